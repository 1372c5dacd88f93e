/**
 * The server side of the shadow scorer thread: shadow jobs gather for a few ms and travel as
 * one flat message; results come back as typed arrays the server turns into log entries. At most
 * `maxInFlight` batches wait for the thread; meanwhile jobs gather (the thread may still be loading a model)
 * up to `maxQueued` sentences, beyond which they are skipped and counted, so a slow shadow cannot
 * grow the server's memory. Sentences, not jobs: one batch request carries up to a thousand.
 */
import { Worker } from "node:worker_threads";
import type { Monitor } from "../monitor/index.ts";
import type { ShadowStats } from "./shadow-logging.ts";
import { encodeShadowRequest, type ShadowJob, type ShadowReply } from "./shadow-protocol.ts";

export interface ShadowThreadOptions {
  /** Store root of the registry the thread loads shadow versions from. */
  readonly store: string;
  readonly monitor: Pick<Monitor, "onPrediction">;
  readonly stats: ShadowStats;
  readonly maxInFlight?: number;
  /** Sentences allowed to wait for the thread (default 2000); more are skipped and counted. */
  readonly maxQueued?: number;
  /** How long jobs gather before they are sent together, in ms (default 10). */
  readonly gatherMs?: number;
  readonly onErrors?: (errors: readonly string[]) => void;
}

export class ShadowThread {
  readonly #worker: Worker;
  readonly #options: ShadowThreadOptions;
  readonly #maxInFlight: number;
  readonly #maxQueued: number;
  readonly #gatherMs: number;
  #batch: ShadowJob[] = [];
  #batchSentences = 0;
  #inFlight = 0;
  #seq = 0;
  /** Batches the thread is scoring, by seq: replies carry numbers only, the jobs stay here. */
  readonly #sent = new Map<number, readonly ShadowJob[]>();
  #scheduled = false;
  #closed = false;

  constructor(options: ShadowThreadOptions) {
    this.#options = options;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#maxQueued = options.maxQueued ?? 2000;
    this.#gatherMs = options.gatherMs ?? 10;
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
    this.#schedule();
  }

  /**
   * Sends what gathered after `gatherMs`, not on the next turn: a message costs the server
   * thread about as much as a request's own work, and shadow answers are only logged, so they
   * can wait a few ms to travel in dozens.
   */
  #schedule(): void {
    if (this.#scheduled || this.#batch.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    setTimeout(() => this.#send(), this.#gatherMs).unref();
  }

  #send(): void {
    this.#scheduled = false;
    if (this.#batch.length === 0 || this.#closed || this.#inFlight >= this.#maxInFlight) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchSentences = 0;
    this.#inFlight++;
    const seq = this.#seq++;
    this.#sent.set(seq, batch);
    const request = encodeShadowRequest(seq, batch);
    const { versions, counts, lengths } = request;
    this.#worker.postMessage(request, [versions.buffer, counts.buffer, lengths.buffer]);
  }

  #receive(reply: ShadowReply): void {
    this.#inFlight--;
    const jobs = this.#sent.get(reply.seq) ?? [];
    this.#sent.delete(reply.seq);
    const { stats } = this.#options;
    stats.failed += reply.failed;
    stats.scored += this.#log(jobs, reply);
    if (reply.errors.length > 0) this.#options.onErrors?.(reply.errors);
    // Jobs that gathered while the thread was busy go with the next send.
    this.#schedule();
  }

  /** Turns a compact reply back into log events; returns how many jobs were scored. */
  #log(jobs: readonly ShadowJob[], reply: ShadowReply): number {
    const { monitor } = this.#options;
    const ids = reply.ids.length === 0 ? [] : reply.ids.split("\n");
    let scored = 0;
    let at = 0;
    for (let j = 0; j < jobs.length; j++) {
      const job = jobs[j] as ShadowJob;
      if (reply.scoredJobs[j] !== 1) continue;
      scored++;
      const time = reply.times[j] ?? 0;
      const latencyMs = reply.latencies[j] ?? 0;
      const positive = reply.labels[2 * j] ?? "";
      const negative = reply.labels[2 * j + 1] ?? "";
      const first = at;
      at += job.sentences.length;
      logJob(monitor, job, reply, { ids, first, time, latencyMs, positive, negative });
    }
    return scored;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker.terminate();
  }
}

interface JobSlice {
  readonly ids: readonly string[];
  /** Index of the job's first sentence in the reply's per-sentence arrays. */
  readonly first: number;
  readonly time: number;
  readonly latencyMs: number;
  readonly positive: string;
  readonly negative: string;
}

function logJob(
  monitor: Pick<Monitor, "onPrediction">,
  job: ShadowJob,
  reply: ShadowReply,
  slice: JobSlice,
): void {
  for (let i = 0; i < job.sentences.length; i++) {
    const at = slice.first + i;
    const id = slice.ids[at] ?? "";
    monitor.onPrediction({
      id,
      requestId: job.requestIds[i] ?? id,
      time: slice.time,
      model: job.name,
      version: job.version,
      score: reply.scores[at] ?? Number.NaN,
      label: reply.positive[at] === 1 ? slice.positive : slice.negative,
      latencyMs: slice.latencyMs,
      route: "shadow",
      variant: "shadow",
      sentence: job.sentences[i] ?? "",
    });
  }
}
