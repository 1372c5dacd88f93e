/**
 * Runs selection tasks on worker threads (or in this thread when workers is 0). Results are
 * stored by task id, so the outcome does not depend on which worker finished first.
 */
import { Worker } from "node:worker_threads";
import { type ErrorCode, errorCatalogue, SiftError } from "../errors.ts";
import { runTask, type SelectionData, type Task, type TaskOutcome } from "./selection-task.ts";

const WORKER_URL = new URL("./selection-worker.ts", import.meta.url);

function toError(outcome: Extract<TaskOutcome, { error: unknown }>): SiftError {
  const code = (
    Object.hasOwn(errorCatalogue, outcome.error.code) ? outcome.error.code : "INTERNAL"
  ) as ErrorCode;
  return new SiftError(code, outcome.error.message);
}

function runInline(
  data: SelectionData,
  tasks: readonly Task[],
  onDone: (task: Task) => void,
): Float64Array[] {
  const out: Float64Array[] = [];
  for (const task of tasks) {
    const outcome = runTask(data, task);
    if ("error" in outcome) throw toError(outcome);
    out[task.id] = outcome.scores;
    onDone(task);
  }
  return out;
}

export async function runTasks(
  data: SelectionData,
  tasks: readonly Task[],
  workers: number,
  onDone: (task: Task) => void,
): Promise<Float64Array[]> {
  if (workers === 0) return runInline(data, tasks, onDone);
  const out: Float64Array[] = [];
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
              if ("error" in outcome) return reject(toError(outcome));
              out[outcome.id] = outcome.scores;
              onDone(tasks[outcome.id] as Task);
              feed();
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
