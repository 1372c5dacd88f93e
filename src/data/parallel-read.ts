/**
 * Reading a large SQLite table with both cores: this thread and one worker take chunks of the
 * rowid range from a shared counter (whoever is free takes the next), each reading and cleaning
 * its chunks, and this thread hands them to the sink strictly in chunk order — so the sink sees
 * the rows as one pass would. The worker's chunks come through shared slots (chunk-slots.ts).
 * The worker's failure (an error it posts, an uncaught one, or its exit before it is done) ends
 * the read with DATA_WORKER_FAILED.
 */
import type { DatabaseSync } from "node:sqlite";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { siftError } from "../errors.ts";
import {
  type ChunkColumns,
  type ChunkPlan,
  ChunkReader,
  type ChunkResult,
  type ChunkSink,
  columnArrays,
  columnViews,
} from "./chunk-read.ts";
import { ChunkSlots, COUNTERS, NEXT_CHUNK, POSTED, slotMemory } from "./chunk-slots.ts";
import type { ChunkMessage, ChunkWorkerData } from "./chunk-worker.ts";

const WORKER_URL = new URL("./chunk-worker.ts", import.meta.url);

export interface ParallelReadOptions {
  /** The worker's script (tests pass one that fails). */
  readonly workerUrl?: URL;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads every chunk of `plan` (from `db` here, from `dbPath` in the worker) into `sink`, in order. */
export async function readChunksInParallel(
  db: DatabaseSync,
  dbPath: string,
  source: string,
  plan: ChunkPlan,
  sink: ChunkSink,
  options: ParallelReadOptions = {},
): Promise<void> {
  const reader = new ChunkReader(db, plan, sink.config);
  const counters = new Int32Array(new SharedArrayBuffer(4 * COUNTERS));
  const memory = slotMemory(plan.width);
  const slots = new ChunkSlots(memory, plan.width, counters);
  const { port1: port, port2 } = new MessageChannel();
  const workerData: ChunkWorkerData = {
    dbPath,
    plan,
    config: sink.config,
    port: port2,
    counters,
    slots: memory,
  };
  const worker = new Worker(options.workerUrl ?? WORKER_URL, {
    workerData,
    transferList: [port2],
    // The worker holds one chunk at a time: a small heap is enough. (Its pages stay with the
    // process after it ends — ~40 MB more peak RSS than one thread in bench:data, whatever these
    // limits, which change its collections more than its footprint.)
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 24 },
  });
  // What ended the worker, if it ended; either event also wakes the loop below.
  let ended: string | null = null;
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  worker.on("error", (error) => {
    ended ??= describe(error);
    wake();
  });
  worker.on("exit", (code) => {
    ended ??= `it stopped (exit code ${code}) before reading its chunks`;
    wake();
  });

  /** Chunks waiting for their turn: read here, posted whole, or (a message naming it) in a shared slot. */
  const ready = new Map<number, ChunkResult | ChunkMessage>();
  let merged = 0;
  let workerDone = false;
  /** Takes the worker's messages that have arrived. */
  const receive = (): void => {
    for (let got = receiveMessageOnPort(port); got !== undefined; got = receiveMessageOnPort(port)) {
      const message = got.message as ChunkMessage;
      if (message.error !== undefined)
        throw siftError("DATA_WORKER_FAILED", `Reading ${source}`, message.error);
      if (message.done === true) workerDone = true;
      else if (message.index !== undefined) ready.set(message.index, message.chunk ?? message);
    }
  };
  // Column arrays of chunks read here, reused once merged: no new typed arrays per chunk (as the
  // worker writes into its slots).
  const spare: ChunkColumns[] = [];
  const lent = new Map<ChunkResult, ChunkColumns>();
  const readHere = (index: number): ChunkResult => {
    const whole = spare.pop() ?? columnArrays(plan.width);
    const chunk = reader.read(index, (n) => columnViews(whole, n));
    lent.set(chunk, whole);
    return chunk;
  };
  const mergeNext = (next: ChunkResult | ChunkMessage): void => {
    if ("texts" in next) {
      sink.add(next);
      const whole = lent.get(next);
      if (whole !== undefined) {
        lent.delete(next);
        spare.push(whole);
      }
      return;
    }
    const { slot = 0, rows = 0, labelNames = [], tallies = [] } = next;
    sink.add(slots.read(slot, rows, labelNames, tallies));
    slots.release(slot);
  };
  try {
    while (merged < plan.chunks || !workerDone) {
      const seen = Atomics.load(counters, POSTED);
      receive();
      const next = ready.get(merged);
      if (next !== undefined) {
        ready.delete(merged);
        mergeNext(next);
        merged++;
        continue;
      }
      // Nothing to merge yet: read a chunk here while the worker reads the one awaited.
      const index = merged < plan.chunks ? Atomics.add(counters, NEXT_CHUNK, 1) : plan.chunks;
      if (index < plan.chunks) {
        ready.set(index, readHere(index));
        continue;
      }
      if (ended !== null && !workerDone) throw siftError("DATA_WORKER_FAILED", `Reading ${source}`, ended);
      const wait = Atomics.waitAsync(counters, POSTED, seen);
      if (wait.async) await Promise.race([wait.value, woken]);
    }
  } finally {
    port.close();
    await worker.terminate();
  }
}
