/** Input checks shared by the metric functions: every metric rejects bad input the same way. */
import { siftError } from "../errors.ts";

/** Checks that targets are 0/1 and scores are finite numbers of the same length. */
export function checkBinaryInput(metric: string, y: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (y.length !== scores.length) {
    throw siftError("METRIC_INPUT_INVALID", metric, `${y.length} targets but ${scores.length} scores`);
  }
  if (y.length === 0) throw siftError("METRIC_INPUT_INVALID", metric, "no rows");
  checkTargets(metric, y, 2);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (!Number.isFinite(s)) throw siftError("METRIC_INPUT_INVALID", metric, `score ${i} is ${s}`);
  }
}

/** Checks that each label is an integer in [0, nClasses). */
export function checkTargets(metric: string, y: ArrayLike<number>, nClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= nClasses) {
      throw siftError("METRIC_INPUT_INVALID", metric, `label ${i} is ${v}, not in 0..${nClasses - 1}`);
    }
  }
}

/** Checks binary targets plus probabilities in [0, 1]. */
export function checkProbabilities(metric: string, y: ArrayLike<number>, p: ArrayLike<number>): void {
  checkBinaryInput(metric, y, p);
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (v < 0 || v > 1) throw siftError("METRIC_INPUT_INVALID", metric, `probability ${i} is ${v}`);
  }
}

/** Counts positives (label 1) in binary targets. */
export function countPositives(y: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < y.length; i++) n += y[i] === 1 ? 1 : 0;
  return n;
}
