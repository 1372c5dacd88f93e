/**
 * The server side of the prediction log: a bounded in-memory queue drained in batches to the
 * writer thread. `enqueue` is O(1) and never blocks or throws; when the queue is full (the disk
 * is slower than traffic) entries are dropped and counted, because a prediction must never wait
 * for its log line.
 */
import { Worker } from "node:worker_threads";
import { SiftError } from "../errors.ts";
import type { InsertReply, RemoteOp, RemoteStore, WorkerReply, WriterOp } from "./log-protocol.ts";
import { columnBuffers, encodeEvents } from "./log-protocol.ts";
import type { LogStoreOptions } from "./log-store.ts";
import type { LogConfig, PredictionEvent, ShadowCounts } from "./types.ts";

export interface PredictionLogHooks {
  /** Called with how many entries were dropped (queue full, or the writer failed). */
  readonly onDrop?: (count: number) => void;
  readonly onWritten?: (count: number) => void;
  /** Called when the writer thread reports a failure (logged by the caller). */
  readonly onError?: (error: Error) => void;
  /** Shadow scoring in the writer since its last report (logs opened with `shadows`). */
  readonly onShadows?: (counts: ShadowCounts) => void;
}

export interface PredictionLogStats {
  readonly queued: number;
  readonly inFlight: number;
  readonly dropped: number;
  readonly written: number;
}

/** Batches handed to the writer and not yet acknowledged; beyond this the queue fills up. */
const MAX_IN_FLIGHT = 4;
/**
 * The writer thread's V8 heap. Left alone, V8 sizes a thread's young generation for the whole
 * machine's memory, and a thread that receives thousands of events a second grows it to tens of
 * MB it never returns; a small young generation keeps the server's RSS flat at no measurable cost.
 */
const WRITER_LIMITS = { maxYoungGenerationSizeMb: 4 };

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly rows: number;
}

export class PredictionLog {
  readonly #worker: Worker;
  readonly #capacity: number;
  readonly #batchSize: number;
  readonly #hooks: PredictionLogHooks;
  readonly #pending = new Map<number, Pending>();
  readonly #timer: NodeJS.Timeout;
  #queue: PredictionEvent[] = [];
  #seq = 0;
  #inFlight = 0;
  #dropped = 0;
  #written = 0;
  #flushScheduled = false;
  #closed = false;

  private constructor(config: LogConfig, hooks: PredictionLogHooks) {
    this.#capacity = config.queueCapacity ?? 10_000;
    this.#batchSize = config.batchSize ?? 2000;
    this.#hooks = hooks;
    const options: LogStoreOptions = {
      keepSentences: config.keepSentences ?? false,
      maxAgeDays: config.maxAgeDays ?? 30,
      maxRows: config.maxRows ?? 5_000_000,
    };
    this.#worker = new Worker(new URL("./log-worker.ts", import.meta.url), {
      workerData: {
        path: config.path,
        options,
        pruneIntervalMs: 10 * 60_000,
        shadows: config.shadows,
        batchSize: this.#batchSize,
      },
      resourceLimits: WRITER_LIMITS,
    });
    this.#worker.on("message", (reply: WorkerReply) => this.#settle(reply));
    this.#worker.on("error", (error) => this.#fail(error));
    // Held open only while a call is outstanding, so a forgotten close() cannot hang a process.
    this.#worker.unref();
    this.#timer = setInterval(() => this.#flush(false), config.flushIntervalMs ?? 200);
    this.#timer.unref();
  }

  /** Starts the writer thread and waits until the log file is open with its schema. */
  static async open(config: LogConfig, hooks: PredictionLogHooks = {}): Promise<PredictionLog> {
    const log = new PredictionLog(config, hooks);
    await log.call("counts");
    return log;
  }

  /** Queues one prediction for the log. Returns false when it was dropped. */
  enqueue(event: PredictionEvent): boolean {
    if (this.#closed || this.#queue.length >= this.#capacity) {
      this.#drop(1);
      return false;
    }
    this.#queue.push(event);
    if (this.#queue.length >= this.#batchSize && !this.#flushScheduled) {
      // After the current request has answered, not inside it.
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.#flush(false);
      });
    }
    return true;
  }

  get stats(): PredictionLogStats {
    return {
      queued: this.#queue.length,
      inFlight: this.#inFlight,
      dropped: this.#dropped,
      written: this.#written,
    };
  }

  /**
   * Calls a LogStore method in the writer thread, after every prediction queued so far.
   * (Predictions themselves go through `enqueue`: they travel as columns, see log-protocol.ts.)
   */
  async call<K extends Exclude<RemoteOp, "insert">>(
    op: K,
    ...args: Parameters<RemoteStore[K]>
  ): Promise<ReturnType<RemoteStore[K]>> {
    this.#flush(true);
    return (await this.#post(op, args, 0)) as ReturnType<RemoteStore[K]>;
  }

  /**
   * Loads a shadow version into the writer's scorer (a log opened with `shadows`); resolves once
   * it can score, rejects when it cannot be served. Shadow rows of that version are skipped until then.
   */
  async prepareShadow(name: string, version: number): Promise<void> {
    await this.#post("prepareShadow", [name, version], 0);
  }

  /** Waits until everything queued so far is on disk. */
  async drain(): Promise<void> {
    await this.call("counts");
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#timer);
    try {
      await this.call("close");
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }

  /** Sends queued entries to the writer; `force` ignores the in-flight limit (for ordered calls). */
  #flush(force: boolean): void {
    while (this.#queue.length > 0 && (force || this.#inFlight < MAX_IN_FLIGHT)) {
      const batch =
        this.#queue.length <= this.#batchSize ? this.#queue : this.#queue.slice(0, this.#batchSize);
      this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#batchSize);
      this.#inFlight++;
      const columns = encodeEvents(batch);
      this.#post("insert", [columns], batch.length, columnBuffers(columns)).then(
        (value) => {
          this.#inFlight--;
          this.#written += batch.length;
          this.#hooks.onWritten?.(batch.length);
          const { shadows } = value as InsertReply;
          if (shadows !== null) this.#hooks.onShadows?.(shadows);
        },
        (error: Error) => {
          this.#inFlight--;
          this.#drop(batch.length);
          this.#hooks.onError?.(error);
        },
      );
    }
  }

  #post(
    op: WriterOp,
    args: readonly unknown[],
    rows: number,
    transfer: readonly ArrayBuffer[] = [],
  ): Promise<unknown> {
    if (this.#closed) return Promise.reject(new SiftError("INTERNAL", "the prediction log is closed"));
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(seq, { resolve, reject, rows });
      this.#worker.postMessage({ seq, op, args }, [...transfer]);
    });
  }

  #settle(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.seq);
    if (pending === undefined) return;
    this.#pending.delete(reply.seq);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new SiftError(reply.code, reply.message));
  }

  #fail(error: Error): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#drop(this.#queue.length);
    this.#queue = [];
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#hooks.onError?.(error);
  }

  #drop(count: number): void {
    if (count <= 0) return;
    this.#dropped += count;
    this.#hooks.onDrop?.(count);
  }
}
