/**
 * One unit of model-selection work, run anywhere: fit on all folds but one, score that one. A task
 * holds one spec, or several that differ only in their estimator: those share the fold's
 * featurising (the normaliser, the featuriser's fit and the feature matrix are the same for all of
 * them) and each distinct ensemble member is fitted once — the same numbers as fitting each spec
 * on its own, for a fraction of the work.
 */
import { isSiftError } from "../errors.ts";
import { featuriseTexts, fitOnFeatures } from "./classifier.ts";
import { fitClassifier } from "./compose.ts";
import type { Estimator } from "./estimator.ts";
import { fitOnce } from "./selection-memo.ts";
import type { ClassifierSpec, Targets } from "./types.ts";

export interface SelectionData {
  readonly texts: readonly string[];
  readonly y: Targets;
  readonly folds: Int32Array;
}

export interface Task {
  readonly id: number;
  /** One spec, or `text-linear` specs that differ only in their estimator part. */
  readonly specs: readonly ClassifierSpec[];
  readonly fold: number;
  readonly seed: number;
}

/** One spec's scores (`part` indexes `task.specs`), or the task's failure. */
export type TaskOutcome =
  | { readonly id: number; readonly part: number; readonly scores: Float64Array }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } };

function splitFold(
  data: SelectionData,
  fold: number,
): { train: string[]; test: string[]; trainY: Uint8Array } {
  const train: string[] = [];
  const test: string[] = [];
  const trainY: number[] = [];
  for (let i = 0; i < data.texts.length; i++) {
    const text = data.texts[i] as string;
    if (data.folds[i] === fold) test.push(text);
    else {
      train.push(text);
      trainY.push(data.y[i] as number);
    }
  }
  return { train, test, trainY: Uint8Array.from(trainY) };
}

/** Fits every spec of `task` on the rows outside `task.fold`; emits P(positive) for the fold's rows, spec by spec. */
export function runTask(data: SelectionData, task: Task, emit: (outcome: TaskOutcome) => void): void {
  try {
    const { train, test, trainY } = splitFold(data, task.fold);
    const [first] = task.specs;
    if (task.specs.length === 1 && first !== undefined) {
      const model = fitClassifier(first, train, trainY, { seed: task.seed });
      emit({ id: task.id, part: 0, scores: model.predictProba(test) });
      return;
    }
    if (first === undefined) return;
    const featurised = featuriseTexts(first, train);
    const fitted = new Map<string, Estimator>();
    task.specs.forEach((spec, part) => {
      const estimator = spec.parts?.estimator as ClassifierSpec;
      const model = fitOnFeatures(featurised, estimator, trainY, (s, e) => fitOnce(s, e, fitted));
      emit({ id: task.id, part, scores: model.predictProba(test) });
    });
  } catch (error) {
    const code = isSiftError(error) ? error.code : "INTERNAL";
    emit({ id: task.id, error: { code, message: (error as Error).message } });
  }
}
