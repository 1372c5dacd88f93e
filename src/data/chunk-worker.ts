/**
 * The worker half of the parallel read: takes chunk numbers from the shared counter until none is
 * left, reads and cleans each chunk on its own connection, and posts the result (typed arrays
 * transferred). Slot POSTED counts the messages posted, so the main thread can wait on it.
 */
import { DatabaseSync } from "node:sqlite";
import { type MessagePort, workerData } from "node:worker_threads";
import {
  type ChunkPlan,
  ChunkReader,
  type ChunkResult,
  NEXT_CHUNK,
  POSTED,
  transferables,
} from "./chunk-read.ts";
import type { CleaningConfig } from "./types.ts";

export interface ChunkWorkerData {
  readonly dbPath: string;
  readonly plan: ChunkPlan;
  readonly config: CleaningConfig;
  readonly port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: slot NEXT_CHUNK is the next chunk to take, POSTED the messages posted. */
  readonly shared: Int32Array;
}

/** A chunk read, the end (`done`), or what went wrong. */
export interface ChunkMessage {
  readonly index?: number;
  readonly chunk?: ChunkResult;
  readonly done?: true;
  readonly error?: string;
}

const { dbPath, plan, config, port, shared } = workerData as ChunkWorkerData;

function post(message: ChunkMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(shared, POSTED, 1);
  Atomics.notify(shared, POSTED);
}

try {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const reader = new ChunkReader(db, plan, config);
    for (let index = Atomics.add(shared, NEXT_CHUNK, 1); index < plan.chunks; ) {
      const chunk = reader.read(index);
      post({ index, chunk }, transferables(chunk));
      index = Atomics.add(shared, NEXT_CHUNK, 1);
    }
  } finally {
    db.close();
  }
  post({ done: true });
} catch (error) {
  post({ error: error instanceof Error ? error.message : String(error) });
}
