/** Messages between the server thread and the log writer thread: calls on the LogStore by name. */
import type { ErrorCode } from "../errors.ts";
import type { LogStore } from "./log-store.ts";

export type RemoteStore = Pick<
  LogStore,
  | "insert"
  | "setVocabulary"
  | "setPositiveLabel"
  | "recordFeedback"
  | "liveMetrics"
  | "driftSample"
  | "versions"
  | "series"
  | "counts"
  | "feedbackRows"
  | "addEvent"
  | "events"
  | "prune"
  | "close"
>;
export type RemoteOp = keyof RemoteStore;

export interface WorkerRequest {
  readonly seq: number;
  readonly op: RemoteOp;
  readonly args: readonly unknown[];
}

export type WorkerReply =
  | { readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly seq: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };

const OPS: ReadonlySet<string> = new Set<RemoteOp>([
  "insert",
  "setVocabulary",
  "setPositiveLabel",
  "recordFeedback",
  "liveMetrics",
  "driftSample",
  "versions",
  "series",
  "counts",
  "feedbackRows",
  "addEvent",
  "events",
  "prune",
  "close",
]);

/** Runs one request against the store. The op name is checked against the list above. */
export function dispatch(store: LogStore, request: WorkerRequest): unknown {
  if (!OPS.has(request.op)) throw new Error(`unknown log operation ${request.op}`);
  const method = store[request.op] as (...args: unknown[]) => unknown;
  return method.apply(store, [...request.args]);
}
