/**
 * Messages between the server and its shadow scorer thread. Replies are compact — typed arrays
 * and one joined string, transferred rather than cloned — because the server thread already holds
 * each job's sentences and names: rebuilding log events from numbers costs it far less than
 * deserialising an object (with its sentence) per shadow prediction.
 */

/** One request's sentences for one shadow version. */
export interface ShadowJob {
  readonly name: string;
  readonly version: number;
  readonly sentences: readonly string[];
  /** The primary predictions' ids, one per sentence: shadow rows are logged under them. */
  readonly requestIds: readonly string[];
}

/** A batch of jobs, numbered so its reply finds the jobs the server kept. */
export interface ShadowRequest {
  readonly seq: number;
  readonly jobs: readonly ShadowJob[];
}

export interface ShadowReply {
  readonly seq: number;
  /** Per job: 1 when it was scored (its sentences follow in `scores`), 0 when it failed. */
  readonly scoredJobs: Uint8Array<ArrayBuffer>;
  /** Per job: epoch ms when scoring began, and how long the job's scoring took (ms). */
  readonly times: Float64Array<ArrayBuffer>;
  readonly latencies: Float64Array<ArrayBuffer>;
  /** Per scored sentence, in job order: P(positive label), and 1 when labelled positive. */
  readonly scores: Float64Array<ArrayBuffer>;
  readonly positive: Uint8Array<ArrayBuffer>;
  /** Per job, the positive and negative label names ("" for a failed job). */
  readonly labels: readonly string[];
  /** The shadow predictions' ids, in the order of `scores`, joined by "\n". */
  readonly ids: string;
  readonly failed: number;
  readonly errors: readonly string[];
}
