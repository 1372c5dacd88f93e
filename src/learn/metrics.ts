/**
 * Classification metrics on hard predictions and probabilities, with scikit-learn's definitions
 * (sklearn.metrics 1.2): a class never predicted has precision 0 (`zero_division=0`), log loss
 * clips probabilities to [eps, 1 - eps] with eps = float64 machine epsilon.
 */
import { siftError } from "../errors.ts";
import { checkBinaryInput, checkProbabilities, checkTargets } from "./metrics-input.ts";

/** Rows are the true class, columns the predicted class (sklearn's `confusion_matrix`). */
export type ConfusionMatrix = readonly (readonly number[])[];

export interface ClassScores {
  readonly label: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows whose true class is `label`. */
  readonly support: number;
}

export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationScores {
  readonly perClass: readonly ClassScores[];
  /** Unweighted mean over classes. */
  readonly macro: AveragedScores;
  /** Mean over classes weighted by support. */
  readonly weighted: AveragedScores;
}

/** Float64 machine epsilon: the clip sklearn's `log_loss(eps="auto")` uses for float64 input. */
const LOG_LOSS_EPS = 2.220446049250313e-16;

function checkPair(
  metric: string,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): void {
  if (!Number.isInteger(nClasses) || nClasses < 2) {
    throw siftError("METRIC_INPUT_INVALID", metric, `nClasses is ${nClasses}, needs an integer >= 2`);
  }
  if (yTrue.length !== yPred.length) {
    throw siftError(
      "METRIC_INPUT_INVALID",
      metric,
      `${yTrue.length} targets but ${yPred.length} predictions`,
    );
  }
  if (yTrue.length === 0) throw siftError("METRIC_INPUT_INVALID", metric, "no rows");
  checkTargets(metric, yTrue, nClasses);
  checkTargets(metric, yPred, nClasses);
}

/** Confusion matrix of integer labels 0..nClasses-1. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses = 2,
): number[][] {
  checkPair("confusion matrix", yTrue, yPred, nClasses);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = m[yTrue[i] as number] as number[];
    const c = yPred[i] as number;
    row[c] = (row[c] as number) + 1;
  }
  return m;
}

/** Fraction of rows predicted correctly. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses = 2): number {
  checkPair("accuracy", yTrue, yPred, nClasses);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) hit += yTrue[i] === yPred[i] ? 1 : 0;
  return hit / yTrue.length;
}

function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

function scoresFromMatrix(m: ConfusionMatrix): ClassScores[] {
  const k = m.length;
  const out: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    const row = m[c] as readonly number[];
    const tp = row[c] as number;
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < k; j++) {
      support += row[j] as number;
      predicted += (m[j] as readonly number[])[c] as number;
    }
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    // sklearn computes F1 from counts: 2tp / (2tp + fp + fn), 0 when undefined.
    const f1 = ratio(2 * tp, predicted + support);
    out.push({ label: c, precision, recall, f1, support });
  }
  return out;
}

function average(perClass: readonly ClassScores[], weighted: boolean): AveragedScores {
  let p = 0;
  let r = 0;
  let f = 0;
  let total = 0;
  for (const s of perClass) {
    const w = weighted ? s.support : 1;
    p += w * s.precision;
    r += w * s.recall;
    f += w * s.f1;
    total += w;
  }
  return { precision: ratio(p, total), recall: ratio(r, total), f1: ratio(f, total) };
}

/** Precision, recall and F1 per class, macro- and support-weighted averages. */
export function classificationScores(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses = 2,
): ClassificationScores {
  checkPair("precision/recall/F1", yTrue, yPred, nClasses);
  const perClass = scoresFromMatrix(confusionMatrix(yTrue, yPred, nClasses));
  return { perClass, macro: average(perClass, false), weighted: average(perClass, true) };
}

/** Predicted labels: 1 where score >= threshold (the convention of sklearn's curve thresholds). */
export function applyThreshold(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i] as number) >= threshold ? 1 : 0;
  return out;
}

/** Mean negative log-likelihood of binary targets under P(positive) = p. */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkProbabilities("log loss", y, p);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i] as number, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Mean squared difference between P(positive) and the 0/1 target. */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkProbabilities("Brier score", y, p);
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const d = (p[i] as number) - (y[i] as number);
    sum += d * d;
  }
  return sum / y.length;
}

/** Binary convenience: checks 0/1 targets and finite scores, returns hard labels at `threshold`. */
export function binaryPredictions(
  metric: string,
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): Uint8Array {
  checkBinaryInput(metric, y, scores);
  if (!Number.isFinite(threshold))
    throw siftError("METRIC_INPUT_INVALID", metric, `threshold is ${threshold}`);
  return applyThreshold(scores, threshold);
}
