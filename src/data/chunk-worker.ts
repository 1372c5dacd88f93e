/**
 * The worker half of the parallel read: takes chunk numbers from the shared counter until none is
 * left, reads and cleans each chunk on its own connection, writes it into a free shared slot (see
 * chunk-slots.ts) and posts the slot's number — or the chunk itself when it does not fit. Counter
 * POSTED counts the messages posted, so the main thread can wait on it.
 */
import { DatabaseSync } from "node:sqlite";
import { type MessagePort, workerData } from "node:worker_threads";
import { type ChunkPlan, ChunkReader, type ChunkResult, copiedChunk } from "./chunk-read.ts";
import { ChunkSlots, NEXT_CHUNK, POSTED } from "./chunk-slots.ts";
import type { TallySnapshot } from "./step-report.ts";
import type { CleaningConfig } from "./types.ts";

/** What the worker is to read, and where it puts the chunks. */
export interface ChunkJob {
  readonly dbPath: string;
  readonly plan: ChunkPlan;
  readonly config: CleaningConfig;
  /** Int32Array over a SharedArrayBuffer: the counters of chunk-slots.ts. */
  readonly counters: Int32Array;
  /** The slots' memory (chunk-slots.ts), for chunks of up to `plan.width` rows. */
  readonly slots: SharedArrayBuffer;
}

/**
 * The worker's data: the port it answers on, with its job — or without, for a worker started
 * ahead of its job (while a package is unpacked), which then takes the job as its first message.
 */
export type ChunkWorkerData = { readonly port: MessagePort } & Partial<ChunkJob>;

/** A chunk read (in slot `slot`, or whole as `chunk`), the end (`done`), or what went wrong. */
export interface ChunkMessage {
  readonly index?: number;
  readonly slot?: number;
  readonly rows?: number;
  readonly labelNames?: string[];
  readonly tallies?: TallySnapshot[];
  readonly chunk?: ChunkResult;
  readonly done?: true;
  readonly error?: string;
}

const { port, ...given } = workerData as ChunkWorkerData;
/** The job's counters, once the job is known (post needs them). */
let counters: Int32Array = new Int32Array(0);

function post(message: ChunkMessage): void {
  port.postMessage(message);
  Atomics.add(counters, POSTED, 1);
  Atomics.notify(counters, POSTED);
}

/** Reads chunk `index` into a free slot and posts its number, or the chunk itself when its texts do not fit. */
function send(index: number, reader: ChunkReader, shared: ChunkSlots): void {
  const slot = shared.acquire();
  const chunk = reader.read(index, (n) => shared.columns(slot, n));
  if (shared.writeTexts(slot, chunk)) {
    const { rows, labelNames, tallies } = chunk;
    post({ index, slot, rows, labelNames, tallies });
    return;
  }
  post({ index, chunk: copiedChunk(chunk) });
  shared.release(slot);
}

function run(job: ChunkJob): void {
  counters = job.counters;
  try {
    const db = new DatabaseSync(job.dbPath, { readOnly: true });
    try {
      const reader = new ChunkReader(db, job.plan, job.config);
      const shared = new ChunkSlots(job.slots, job.plan.width, counters);
      for (let index = Atomics.add(counters, NEXT_CHUNK, 1); index < job.plan.chunks; ) {
        send(index, reader, shared);
        index = Atomics.add(counters, NEXT_CHUNK, 1);
      }
    } finally {
      db.close();
    }
    post({ done: true });
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) });
  }
  // Nothing more to say: the worker ends now rather than when the main thread has merged the rest.
  port.close();
}

if (given.plan === undefined) port.once("message", (job: ChunkJob) => run(job));
else run(given as ChunkJob);
