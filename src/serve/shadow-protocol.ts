/** Messages between the server and its shadow scorer thread. */
import type { PredictionEvent as LoggedPrediction } from "../monitor/index.ts";

/** One request's sentences for one shadow version. */
export interface ShadowJob {
  readonly name: string;
  readonly version: number;
  readonly sentences: readonly string[];
  /** The primary predictions' ids, one per sentence: shadow rows are logged under them. */
  readonly requestIds: readonly string[];
}

export interface ShadowReply {
  readonly events: LoggedPrediction[];
  scored: number;
  failed: number;
  readonly errors: string[];
}
