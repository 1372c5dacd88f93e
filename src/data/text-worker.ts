/**
 * The worker half of `TextOffload`: runs the text transforms over batches of texts, in the order they arrive, and says when each reply is posted (a counter the main thread
 * can wait on while it stays synchronous).
 */
import { type MessagePort, workerData } from "node:worker_threads";
import { TextPass, textTransforms } from "./text-transforms.ts";
import type { CleaningConfig } from "./types.ts";

export interface OffloadData {
  readonly config: CleaningConfig;
  readonly port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: slot 0 counts replies posted, slot 1 is 1 once this thread exits. */
  readonly posted: Int32Array;
}

/** A batch of raw texts, or (without `texts`) the end: `rows` is how many rows the text pass saw. */
export interface OffloadRequest {
  readonly texts?: readonly (string | null)[];
  readonly rows?: number;
}

export interface OffloadReply {
  /** The cleaned texts; null where the text was NULL or came out unchanged (the sender still has it). */
  readonly texts?: (string | null)[];
  readonly reports?: ReturnType<TextPass["reports"]>;
  readonly error?: string;
}

const { config, port, posted } = workerData as OffloadData;
// The main thread waits synchronously and cannot see this thread's "exit" event: slot 1 (EXITED in
// text-offload.ts) says so instead, and a notify on slot 0 wakes the wait.
process.on("exit", () => {
  Atomics.store(posted, 1, 1);
  Atomics.notify(posted, 0);
});
const pass = new TextPass(textTransforms(config));

function answer(request: OffloadRequest): OffloadReply {
  if (request.texts === undefined) return { reports: pass.reports(request.rows ?? 0) };
  const raw = request.texts;
  const texts: (string | null)[] = new Array(raw.length).fill(null);
  for (let i = 0; i < raw.length; i++) {
    const text = raw[i] ?? null;
    if (text === null) continue;
    const cleaned = pass.apply(text);
    if (cleaned !== text) texts[i] = cleaned;
  }
  return { texts };
}

port.on("message", (request: OffloadRequest) => {
  let reply: OffloadReply;
  try {
    reply = answer(request);
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
  Atomics.add(posted, 0, 1);
  Atomics.notify(posted, 0);
});
