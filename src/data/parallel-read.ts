/**
 * Reading a large SQLite table with both cores: this thread and one worker take chunks of the
 * rowid range from a shared counter (whoever is free takes the next), each reading and cleaning
 * its chunks, and this thread hands them to the sink strictly in chunk order — so the sink sees
 * the rows as one pass would. The worker's chunks come through shared slots (chunk-slots.ts).
 * The worker's failure (an error it posts, an uncaught one, or its exit before it is done) ends
 * the read with DATA_WORKER_FAILED.
 */
import type { DatabaseSync } from "node:sqlite";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
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
import type { ChunkJob, ChunkMessage, ChunkWorkerData } from "./chunk-worker.ts";

const WORKER_URL = new URL("./chunk-worker.ts", import.meta.url);

export interface ParallelReadOptions {
  /** The worker's script (tests pass one that fails). */
  readonly workerUrl?: URL;
  /** A worker started ahead (`ChunkWorker.early`), which then takes this read as its job. */
  readonly early?: ChunkWorker;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The worker thread of a parallel read, watched from the moment it starts: what ended it, if it
 * ended (an error, or its exit), wakes whoever waits on `ended`.
 */
export class ChunkWorker {
  /** This thread's end of the worker's port. */
  readonly port: MessagePort;
  /** Resolves when the worker has failed or exited. */
  readonly ended: Promise<void>;
  private readonly worker: Worker;
  private why: string | null = null;

  private constructor(url: URL, job: ChunkJob | undefined) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const workerData: ChunkWorkerData = { port: port2, ...job };
    this.worker = new Worker(url, {
      workerData,
      transferList: [port2],
      // The worker holds one chunk at a time: a small heap is enough. (Its pages stay with the
      // process after it ends — ~40 MB more peak RSS than one thread in bench:data, whatever these
      // limits, which change its collections more than its footprint.)
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 24 },
    });
    this.ended = new Promise<void>((resolve) => {
      this.worker.on("error", (error) => {
        this.why ??= describe(error);
        resolve();
      });
      this.worker.on("exit", (code) => {
        this.why ??= `it stopped (exit code ${code}) before reading its chunks`;
        resolve();
      });
    });
  }

  /**
   * A worker started before its job is known — while a package is unpacked, so its start-up
   * (a thread, an isolate, its modules) runs beside the unpacking instead of at the read's start.
   */
  static early(url: URL = WORKER_URL): ChunkWorker {
    return new ChunkWorker(url, undefined);
  }

  /** A worker for `job`: `early`'s, given the job now, or a new one. */
  static forJob(job: ChunkJob, options: ParallelReadOptions): ChunkWorker {
    if (options.early === undefined) return new ChunkWorker(options.workerUrl ?? WORKER_URL, job);
    options.early.port.postMessage(job);
    return options.early;
  }

  /** What ended the worker, or null while it runs. */
  get failure(): string | null {
    return this.why;
  }

  /** Stops the worker (if it still runs) and closes its port; safe to call twice. */
  async close(): Promise<void> {
    this.port.close();
    await this.worker.terminate();
  }
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
  const worker = ChunkWorker.forJob({ dbPath, plan, config: sink.config, counters, slots: memory }, options);
  const port = worker.port;

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
      const ended = worker.failure;
      if (ended !== null && !workerDone) throw siftError("DATA_WORKER_FAILED", `Reading ${source}`, ended);
      const wait = Atomics.waitAsync(counters, POSTED, seen);
      if (wait.async) await Promise.race([wait.value, worker.ended]);
    }
  } finally {
    await worker.close();
  }
}
