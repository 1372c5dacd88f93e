import type { DatabaseSync } from "node:sqlite";
import type { StoreWriter } from "./types.ts";

/** What every operation of the embedded store needs: injected root, clock and writer, one index connection. */
export interface StoreContext {
  readonly root: string;
  readonly db: DatabaseSync;
  readonly writer: StoreWriter;
  readonly clock: () => Date;
}
