/**
 * The prediction log's writer thread. It owns the SQLite connection, so hashing, tokenising and
 * every disk write happen here and never on the server's event loop. Messages are handled in
 * order, which is what lets feedback posted right after a prediction find it.
 *
 * Insert batches that are already waiting when one arrives are written in the same transaction
 * (up to MAX_COALESCED_ROWS rows): the log's random sentence index makes a transaction's cost
 * mostly the pages it dirties, so larger transactions cost less a row (see log-schema.ts). This
 * only happens when the writer is behind — an idle writer commits each batch as it comes.
 *
 * Shadow versions, when the log is opened with a scorer, score here too (see writer-shadows.ts):
 * their rows join the primary rows' transaction, and the counts travel back with the reply.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { isSiftError } from "../errors.ts";
import type { EventColumns, InsertReply, WorkerReply, WorkerRequest } from "./log-protocol.ts";
import { decodeEvents, dispatch } from "./log-protocol.ts";
import { LogStore, type LogStoreOptions } from "./log-store.ts";
import type { WriterShadowConfig } from "./types.ts";
import { WriterShadows } from "./writer-shadows.ts";

interface WorkerConfig {
  readonly path: string;
  readonly options: LogStoreOptions;
  readonly pruneIntervalMs: number;
  readonly shadows?: WriterShadowConfig;
  /** The server's batch size (rows). */
  readonly batchSize: number;
}

/** Rows written in one transaction at most when insert batches queue up. */
const MAX_COALESCED_ROWS = 5000;

/**
 * Rows in one transaction, in full batches, from which shadows are skipped: the writer is then
 * more than this many batches behind the server (which keeps up to 4 in flight), and the log's
 * own rows come first. Rows, not messages: feedback and reads flush small batches early.
 */
const BEHIND_BATCHES = 2;

const config = workerData as WorkerConfig;
const store = new LogStore(config.path, config.options);
const shadows = config.shadows === undefined ? null : new WriterShadows(config.shadows);
store.prune();
const pruneTimer = setInterval(() => store.prune(), config.pruneIntervalMs);
pruneTimer.unref();

function failure(seq: number, error: unknown): WorkerReply {
  return {
    seq,
    ok: false,
    code: isSiftError(error) ? error.code : "INTERNAL",
    message: error instanceof Error ? error.message : String(error),
  };
}

function run(request: WorkerRequest): WorkerReply {
  try {
    return { seq: request.seq, ok: true, value: dispatch(store, request) };
  } catch (error) {
    return failure(request.seq, error);
  }
}

const rowsOf = (request: WorkerRequest): number => (request.args[0] as EventColumns).times.length;

/** Writes `first` and the insert batches queued behind it in one transaction; returns what came next. */
function insertCoalesced(first: WorkerRequest): WorkerRequest | undefined {
  const batches = [first];
  let rows = rowsOf(first);
  let next: WorkerRequest | undefined;
  while (rows < MAX_COALESCED_ROWS && parentPort) {
    const waiting = receiveMessageOnPort(parentPort);
    if (waiting === undefined) break;
    const request = waiting.message as WorkerRequest;
    if (request.op !== "insert") {
      next = request;
      break;
    }
    batches.push(request);
    rows += rowsOf(request);
  }
  let replies: WorkerReply[];
  try {
    const events = batches.flatMap((request) => decodeEvents(request.args[0] as EventColumns));
    shadows?.addRows(events, rows > BEHIND_BATCHES * config.batchSize);
    store.insert(events);
    const counts = shadows?.takeCounts() ?? null;
    replies = batches.map((request, i) => {
      const value: InsertReply = { rows: rowsOf(request), shadows: i === 0 ? counts : null };
      return { seq: request.seq, ok: true, value };
    });
  } catch (error) {
    // The transaction rolled back whole: every batch in it failed.
    replies = batches.map((request) => failure(request.seq, error));
  }
  for (const reply of replies) parentPort?.postMessage(reply);
  return next;
}

/** Replies once the version can score (loading happens while later messages are handled). */
function prepareShadow(request: WorkerRequest): void {
  const [name, version] = request.args as [string, number];
  if (shadows === null) {
    parentPort?.postMessage(failure(request.seq, new Error("this prediction log scores no shadows")));
    return;
  }
  shadows.prepare(name, version).then(
    () => parentPort?.postMessage({ seq: request.seq, ok: true, value: null }),
    (error: unknown) => parentPort?.postMessage(failure(request.seq, error)),
  );
}

function handle(request: WorkerRequest): void {
  let current: WorkerRequest | undefined = request;
  while (current !== undefined) {
    if (current.op === "insert") {
      current = insertCoalesced(current);
      continue;
    }
    if (current.op === "prepareShadow") {
      prepareShadow(current);
      current = undefined;
      continue;
    }
    parentPort?.postMessage(run(current));
    if (current.op === "close") {
      clearInterval(pruneTimer);
      parentPort?.close();
    }
    current = undefined;
  }
}

parentPort?.on("message", (request: WorkerRequest) => handle(request));
