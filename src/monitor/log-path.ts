import { join } from "node:path";

/** Where the server keeps the prediction log when no path is given: inside the model store. */
export function defaultLogPath(storeRoot: string): string {
  return join(storeRoot, "monitor", "predictions.db");
}
