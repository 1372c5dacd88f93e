/**
 * The prediction log's writer thread. It owns the SQLite connection, so hashing, tokenising and
 * every disk write happen here and never on the server's event loop. Messages are handled in
 * order, which is what lets feedback posted right after a prediction find it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { isSiftError } from "../errors.ts";
import type { WorkerReply, WorkerRequest } from "./log-protocol.ts";
import { dispatch } from "./log-protocol.ts";
import { LogStore, type LogStoreOptions } from "./log-store.ts";

interface WorkerConfig {
  readonly path: string;
  readonly options: LogStoreOptions;
  readonly pruneIntervalMs: number;
}

const config = workerData as WorkerConfig;
const store = new LogStore(config.path, config.options);
store.prune();
const pruneTimer = setInterval(() => store.prune(), config.pruneIntervalMs);
pruneTimer.unref();

parentPort?.on("message", (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { seq: request.seq, ok: true, value: dispatch(store, request) };
  } catch (error) {
    const code = isSiftError(error) ? error.code : "INTERNAL";
    reply = {
      seq: request.seq,
      ok: false,
      code,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  parentPort?.postMessage(reply);
  if (request.op === "close") {
    clearInterval(pruneTimer);
    parentPort?.close();
  }
});
