/**
 * Runs selection tasks on worker threads (or in this thread when workers is 0). Results are
 * stored by task id and part, so the outcome does not depend on which worker finished first.
 */
import { Worker } from "node:worker_threads";
import { type ErrorCode, errorCatalogue, SiftError } from "../errors.ts";
import { runTask, type SelectionData, type Task, type TaskOutcome } from "./selection-task.ts";

const WORKER_URL = new URL("./selection-worker.ts", import.meta.url);

/** Scores per task id, then per part (the task's specs, in order). */
export type TaskScores = Float64Array[][];

function toError(outcome: Extract<TaskOutcome, { error: unknown }>): SiftError {
  const code = (
    Object.hasOwn(errorCatalogue, outcome.error.code) ? outcome.error.code : "INTERNAL"
  ) as ErrorCode;
  return new SiftError(code, outcome.error.message);
}

/** Files one outcome; returns true when it completes its task. Throws the task's error. */
function record(
  out: TaskScores,
  tasks: readonly Task[],
  outcome: TaskOutcome,
  onDone: (task: Task, part: number) => void,
): boolean {
  if ("error" in outcome) throw toError(outcome);
  const task = tasks[outcome.id] as Task;
  const parts = out[outcome.id] ?? [];
  out[outcome.id] = parts;
  parts[outcome.part] = outcome.scores;
  onDone(task, outcome.part);
  return parts.filter((p) => p !== undefined).length === task.specs.length;
}

function runInline(
  data: SelectionData,
  tasks: readonly Task[],
  onDone: (task: Task, part: number) => void,
): TaskScores {
  const out: TaskScores = [];
  for (const task of tasks) runTask(data, task, (outcome) => record(out, tasks, outcome, onDone));
  return out;
}

export async function runTasks(
  data: SelectionData,
  tasks: readonly Task[],
  workers: number,
  onDone: (task: Task, part: number) => void,
): Promise<TaskScores> {
  if (workers === 0) return runInline(data, tasks, onDone);
  const out: TaskScores = [];
  const pool = Array.from(
    { length: Math.min(workers, tasks.length) },
    () => new Worker(WORKER_URL, { workerData: data }),
  );
  let next = 0;
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = (): void => {
              const task = tasks[next++];
              if (task === undefined) resolve();
              else worker.postMessage(task);
            };
            worker.on("message", (outcome: TaskOutcome) => {
              try {
                if (record(out, tasks, outcome, onDone)) feed();
              } catch (error) {
                reject(error);
              }
            });
            worker.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}
