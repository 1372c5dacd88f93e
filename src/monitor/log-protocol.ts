/** Messages between the server thread and the log writer thread: calls on the LogStore by name. */
import type { ErrorCode } from "../errors.ts";
import type { LogStore } from "./log-store.ts";
import type { PredictionEvent, PredictionRoute, ShadowCounts } from "./types.ts";

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
/** Store calls, plus loading a shadow version into the writer's scorer (args: name, version). */
export type WriterOp = RemoteOp | "prepareShadow";

export interface WorkerRequest {
  readonly seq: number;
  readonly op: WriterOp;
  readonly args: readonly unknown[];
}

export type WorkerReply =
  | { readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly seq: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** The writer's answer to an insert batch: its rows, and shadow counts since the last reply. */
export interface InsertReply {
  readonly rows: number;
  readonly shadows: ShadowCounts | null;
}

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
  if (request.op === "prepareShadow" || !OPS.has(request.op)) {
    throw new Error(`unknown log operation ${request.op}`);
  }
  // Predictions travel as columns (see EventColumns); the store takes events.
  if (request.op === "insert") return store.insert(decodeEvents(request.args[0] as EventColumns));
  const method = store[request.op] as (...args: unknown[]) => unknown;
  return method.apply(store, [...request.args]);
}

/**
 * A batch of prediction events as columns: numbers in typed arrays (transferred, not copied),
 * the five short names of each event as indexes into a table of the batch's distinct names, and
 * its id, request id and sentence in string arrays. Cloning an object per event cost the server
 * thread about four times as much as filling these. Strings travel as arrays, not cut from one
 * joined string: a cut-out (sliced) string made the writer's regexes and hashing 2.6 µs a row
 * slower than the flat strings the clone delivers, and joining cost the server as much.
 */
export interface EventColumns {
  readonly times: Float64Array<ArrayBuffer>;
  readonly versions: Float64Array<ArrayBuffer>;
  readonly scores: Float64Array<ArrayBuffer>;
  readonly latencies: Float64Array<ArrayBuffer>;
  /** Per event: model, label, route, variant and shadow refs, as indexes into `names`. */
  readonly nameCodes: Uint32Array<ArrayBuffer>;
  readonly names: readonly string[];
  readonly ids: readonly string[];
  /** Per event: its request id, or null when that is its own id (a primary prediction's). */
  readonly requestIds: readonly (string | null)[];
  readonly sentences: readonly string[];
}

/** The buffers of `columns`, to transfer with the message. */
export function columnBuffers(columns: EventColumns): ArrayBuffer[] {
  const { times, versions, scores, latencies, nameCodes } = columns;
  return [times.buffer, versions.buffer, scores.buffer, latencies.buffer, nameCodes.buffer];
}

export function encodeEvents(events: readonly PredictionEvent[]): EventColumns {
  const n = events.length;
  const times = new Float64Array(n);
  const versions = new Float64Array(n);
  const scores = new Float64Array(n);
  const latencies = new Float64Array(n);
  const nameCodes = new Uint32Array(5 * n);
  const names: string[] = [];
  const codes = new Map<string, number>();
  const code = (name: string): number => {
    let found = codes.get(name);
    if (found === undefined) {
      found = names.push(name) - 1;
      codes.set(name, found);
    }
    return found;
  };
  const ids: string[] = new Array(n);
  const requestIds: (string | null)[] = new Array(n);
  const sentences: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = events[i] as PredictionEvent;
    times[i] = e.time;
    versions[i] = e.version;
    scores[i] = e.score;
    latencies[i] = e.latencyMs;
    nameCodes[5 * i] = code(e.model);
    nameCodes[5 * i + 1] = code(e.label);
    nameCodes[5 * i + 2] = code(e.route);
    nameCodes[5 * i + 3] = code(e.variant);
    nameCodes[5 * i + 4] = code(e.shadows ?? "");
    ids[i] = e.id;
    requestIds[i] = e.requestId === undefined || e.requestId === e.id ? null : e.requestId;
    sentences[i] = e.sentence;
  }
  return { times, versions, scores, latencies, nameCodes, names, ids, requestIds, sentences };
}

export function decodeEvents(columns: EventColumns): PredictionEvent[] {
  const { times, versions, scores, latencies, nameCodes, names, ids, requestIds, sentences } = columns;
  const events: PredictionEvent[] = new Array(times.length);
  const name = (at: number): string => names[nameCodes[at] ?? 0] ?? "";
  for (let i = 0; i < times.length; i++) {
    const id = ids[i] ?? "";
    events[i] = {
      id,
      requestId: requestIds[i] ?? id,
      time: times[i] ?? 0,
      model: name(5 * i),
      version: versions[i] ?? 0,
      score: scores[i] ?? Number.NaN,
      label: name(5 * i + 1),
      latencyMs: latencies[i] ?? 0,
      route: name(5 * i + 2) as PredictionRoute,
      variant: name(5 * i + 3),
      sentence: sentences[i] ?? "",
      shadows: name(5 * i + 4),
    };
  }
  return events;
}
