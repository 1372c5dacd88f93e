/**
 * The server side of the shadow scorer thread: shadow jobs are collected during a turn of the
 * event loop and sent as one message; results come back as log entries. At most `maxInFlight`
 * batches wait for the thread; meanwhile jobs gather (the thread may still be loading a model)
 * up to `maxQueued` sentences, beyond which they are skipped and counted, so a slow shadow cannot
 * grow the server's memory. Sentences, not jobs: one batch request carries up to a thousand.
 */
import { Worker } from "node:worker_threads";
import type { Monitor } from "../monitor/index.ts";
import type { ShadowStats } from "./shadow-logging.ts";
import type { ShadowJob, ShadowReply } from "./shadow-protocol.ts";

export interface ShadowThreadOptions {
  /** Store root of the registry the thread loads shadow versions from. */
  readonly store: string;
  readonly monitor: Pick<Monitor, "onPrediction">;
  readonly stats: ShadowStats;
  readonly maxInFlight?: number;
  /** Sentences allowed to wait for the thread (default 2000); more are skipped and counted. */
  readonly maxQueued?: number;
  readonly onErrors?: (errors: readonly string[]) => void;
}

export class ShadowThread {
  readonly #worker: Worker;
  readonly #options: ShadowThreadOptions;
  readonly #maxInFlight: number;
  readonly #maxQueued: number;
  #batch: ShadowJob[] = [];
  #batchSentences = 0;
  #inFlight = 0;
  #scheduled = false;
  #closed = false;

  constructor(options: ShadowThreadOptions) {
    this.#options = options;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#maxQueued = options.maxQueued ?? 2000;
    this.#worker = new Worker(new URL("./shadow-worker.ts", import.meta.url), {
      workerData: { store: options.store },
      // V8 would size this thread's young generation for the whole machine; a small one keeps
      // the server's RSS flat under load (see young-generation.ts).
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    this.#worker.unref();
    this.#worker.on("message", (reply: ShadowReply) => this.#receive(reply));
    this.#worker.on("error", (error) => {
      this.#closed = true;
      options.onErrors?.([String(error)]);
    });
  }

  /** Queues one request's sentences for a shadow version. Never blocks, never throws. */
  submit(job: ShadowJob): void {
    // A job alone is always taken, however large, so a configured batch limit above
    // `maxQueued` still gets shadow scores when the thread keeps up.
    const full = this.#batchSentences > 0 && this.#batchSentences + job.sentences.length > this.#maxQueued;
    if (this.#closed || full) {
      this.#options.stats.skipped++;
      return;
    }
    this.#batch.push(job);
    this.#batchSentences += job.sentences.length;
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    setImmediate(() => this.#send());
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#batch.length === 0 || this.#closed || this.#inFlight >= this.#maxInFlight) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchSentences = 0;
    this.#inFlight++;
    this.#worker.postMessage(batch);
  }

  #receive(reply: ShadowReply): void {
    this.#inFlight--;
    const { stats, monitor } = this.#options;
    stats.scored += reply.scored;
    stats.failed += reply.failed;
    for (const event of reply.events) monitor.onPrediction(event);
    if (reply.errors.length > 0) this.#options.onErrors?.(reply.errors);
    // Jobs that gathered while the thread was busy go now.
    this.#send();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker.terminate();
  }
}
