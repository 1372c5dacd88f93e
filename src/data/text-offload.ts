/**
 * `TextOffload`: the text transforms run in a worker thread while the main
 * thread reads and validates rows — the machine has two cores and reading SQLite takes one. Texts
 * go out in batches and come back in the same order, so the result (rows, report examples) is the
 * one the in-thread pass gives. Small inputs never start the worker (its start-up costs more than
 * it saves): the first texts are held until there are enough of them, and cleaned in-thread if the
 * input ends sooner. The interface is synchronous: replies are picked up with
 * `receiveMessageOnPort`, and `finish` waits on a shared counter the worker bumps per reply.
 * Blocked in `Atomics.wait`, this thread never sees the worker's 'exit' event, so the worker also
 * raises a shared flag as it exits, and a wait that sees no reply for `STALL_MS` gives up: a worker
 * that dies without answering is an error, never a hang.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { siftError } from "../errors.ts";
import { TextPass, textTransforms } from "./text-transforms.ts";
import type { OffloadData, OffloadReply, OffloadRequest } from "./text-worker.ts";
import type { CleaningConfig, StepReport } from "./types.ts";

/** Texts per message: large enough that posting costs little, small enough to keep both threads busy. */
const BATCH = 4096;
/** Batches in flight at most: past this the reader waits, so a slower worker cannot pile texts up in memory. */
const MAX_IN_FLIGHT = 8;
/** A wait sleeps this long at most before it looks at the worker's exit flag again. */
const WAIT_SLICE_MS = 250;
/** No reply for this long while replies are owed: the worker is taken for dead (a batch takes ~20 ms). */
const STALL_MS = 60_000;
/** Slots of the shared counter: replies posted, and 1 once the worker is exiting. */
const POSTED = 0;
const EXITED = 1;
/** Below this many rows the worker is not started. */
export const OFFLOAD_THRESHOLD = 50_000;

/** Receives each text cleaned (null for a NULL text), in input order. */
export type CleanedSink = (text: string | null) => void;

export interface TextOffloadOptions {
  /** Rows held before the worker starts (default OFFLOAD_THRESHOLD). */
  readonly threshold?: number;
  /** The worker's script (tests pass ones that fail or stall). */
  readonly workerUrl?: URL;
  /** How long a wait for a reply lasts before the worker is taken for dead (default 60 s). */
  readonly stallMs?: number;
}

interface Running {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly posted: Int32Array;
}

export class TextOffload {
  private readonly config: CleaningConfig;
  private readonly sink: CleanedSink;
  private readonly threshold: number;
  /** Batches not yet sent (before the worker starts, and the batch being filled). */
  private held: (string | null)[][] = [[]];
  private heldRows = 0;
  private running: Running | null = null;
  /** Batches sent and not yet answered, oldest first: a reply leaves unchanged texts out. */
  private readonly inFlight: (string | null)[][] = [];
  private outstanding = 0;
  private reports: StepReport[] | null = null;

  private readonly workerUrl: URL;
  private readonly stallMs: number;

  constructor(config: CleaningConfig, sink: CleanedSink, options: TextOffloadOptions = {}) {
    this.workerUrl = options.workerUrl ?? new URL("./text-worker.ts", import.meta.url);
    this.config = config;
    this.sink = sink;
    this.threshold = options.threshold ?? OFFLOAD_THRESHOLD;
    this.stallMs = options.stallMs ?? STALL_MS;
  }

  push(text: string | null): void {
    const batch = this.held[this.held.length - 1] as (string | null)[];
    batch.push(text);
    this.heldRows++;
    if (batch.length < BATCH) return;
    if (this.running === null && this.heldRows >= this.threshold) this.running = this.start();
    if (this.running === null) {
      this.held.push([]);
      return;
    }
    this.sendHeld(this.running);
    this.take(this.running, false);
    while (this.outstanding > MAX_IN_FLIGHT) this.take(this.running, true);
  }

  /** Cleans what is left, hands it to the sink, and returns the text pass's reports. Call once. */
  finish(rows: number): StepReport[] {
    const running = this.running;
    if (running === null) return this.inThread(rows);
    this.sendHeld(running);
    this.send(running, { rows });
    this.outstanding++;
    try {
      while (this.outstanding > 0) this.take(running, true);
    } finally {
      running.port.close();
      void running.worker.terminate();
    }
    return this.reports ?? [];
  }

  private inThread(rows: number): StepReport[] {
    const pass = new TextPass(textTransforms(this.config));
    for (const batch of this.held) {
      for (const raw of batch) {
        this.sink(raw === null ? null : pass.apply(raw));
      }
    }
    this.held = [[]];
    return pass.reports(rows);
  }

  private start(): Running {
    const { port1, port2 } = new MessageChannel();
    const posted = new Int32Array(new SharedArrayBuffer(8));
    const workerData: OffloadData = { config: this.config, port: port2, posted };
    const worker = new Worker(this.workerUrl, {
      workerData,
      transferList: [port2],
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 },
    });
    worker.unref();
    // The failure reaches the caller synchronously (the exit flag, see takeReplies); the 'error'
    // event comes later, and unheard it would be an uncaught exception that ends the process.
    worker.on("error", () => {});
    return { worker, port: port1, posted };
  }

  private sendHeld(running: Running): void {
    for (const texts of this.held) {
      if (texts.length === 0) continue;
      this.send(running, { texts });
      this.inFlight.push(texts);
      this.outstanding++;
    }
    this.held = [[]];
  }

  private send(running: Running, request: OffloadRequest): void {
    running.port.postMessage(request);
  }

  /** Handles the replies that have arrived; with `wait`, waits for at least one first. */
  private take(running: Running, wait: boolean): void {
    try {
      this.takeReplies(running, wait);
    } catch (error) {
      running.port.close();
      void running.worker.terminate();
      throw error;
    }
  }

  private takeReplies(running: Running, wait: boolean): void {
    let waitedMs = 0;
    for (;;) {
      const seen = Atomics.load(running.posted, POSTED);
      const received = receiveMessageOnPort(running.port);
      if (received !== undefined) {
        this.handle(received.message as OffloadReply);
        wait = false;
        continue;
      }
      if (!wait) return;
      // Checked after the port is drained: a worker's last reply is posted before it exits.
      if (Atomics.load(running.posted, EXITED) === 1) {
        throw siftError(
          "DATA_WORKER_FAILED",
          "Cleaning the texts",
          "the worker thread exited without answering",
        );
      }
      if (waitedMs >= this.stallMs) {
        throw siftError(
          "DATA_WORKER_FAILED",
          "Cleaning the texts",
          `no answer from the worker thread in ${this.stallMs / 1000} s`,
        );
      }
      const started = performance.now();
      Atomics.wait(running.posted, POSTED, seen, Math.min(WAIT_SLICE_MS, this.stallMs));
      waitedMs += performance.now() - started;
    }
  }

  private handle(reply: OffloadReply): void {
    this.outstanding--;
    if (reply.error !== undefined) throw siftError("DATA_WORKER_FAILED", "Cleaning the texts", reply.error);
    if (reply.reports !== undefined) this.reports = reply.reports;
    const { texts } = reply;
    if (texts === undefined) return;
    const sent = this.inFlight.shift() ?? [];
    for (let i = 0; i < texts.length; i++) this.sink(texts[i] ?? sent[i] ?? null);
  }
}
