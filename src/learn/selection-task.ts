/** One unit of model-selection work (fit on all folds but one, score that one), run anywhere. */
import { isSiftError } from "../errors.ts";
import { fitClassifier } from "./compose.ts";
import type { ClassifierSpec, Targets } from "./types.ts";

export interface SelectionData {
  readonly texts: readonly string[];
  readonly y: Targets;
  readonly folds: Int32Array;
}

export interface Task {
  readonly id: number;
  readonly spec: ClassifierSpec;
  readonly fold: number;
  readonly seed: number;
}

export type TaskOutcome =
  | { readonly id: number; readonly scores: Float64Array }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

/** Fits `task.spec` on every row outside `task.fold` and returns P(positive) for the fold's rows. */
export function runTask(data: SelectionData, task: Task): TaskOutcome {
  try {
    const train: string[] = [];
    const test: string[] = [];
    const trainY: number[] = [];
    for (let i = 0; i < data.texts.length; i++) {
      const text = data.texts[i] as string;
      if (data.folds[i] === task.fold) test.push(text);
      else {
        train.push(text);
        trainY.push(data.y[i] as number);
      }
    }
    const model = fitClassifier(task.spec, train, Uint8Array.from(trainY), { seed: task.seed });
    return { id: task.id, scores: model.predictProba(test) };
  } catch (error) {
    const code = isSiftError(error) ? error.code : "INTERNAL";
    return { id: task.id, error: { code, message: (error as Error).message } };
  }
}
