/** Worker-thread entry for model selection: receives tasks, answers with fold scores, spec by spec. */
import { parentPort, workerData } from "node:worker_threads";
import { runTask, type SelectionData, type Task } from "./selection-task.ts";

const data = workerData as SelectionData;
parentPort?.on("message", (task: Task) => {
  runTask(data, task, (outcome) => {
    const transfer = "scores" in outcome ? [outcome.scores.buffer as ArrayBuffer] : [];
    parentPort?.postMessage(outcome, transfer);
  });
});
