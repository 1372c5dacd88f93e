/** The flat metric report the pipeline, gates and monitors read for a binary classifier. */
import { siftError } from "../errors.ts";
import { accuracy, binaryPredictions, brierScore, classificationScores, logLoss } from "./metrics.ts";
import { averagePrecision, rocAuc } from "./metrics-curves.ts";
import { countPositives } from "./metrics-input.ts";

export interface BinaryConfusion {
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
}

export interface BinaryReport {
  /**
   * precision, recall, f1 (of the positive class), accuracy, specificity, roc_auc, pr_auc,
   * log_loss, brier, macro_f1, weighted_f1, positive_rate, support, threshold. `roc_auc` is NaN
   * when the rows hold one class only, `pr_auc` when they hold no positive; NaN fails every gate.
   */
  readonly metrics: Readonly<Record<string, number>>;
  readonly confusion: BinaryConfusion;
}

function countConfusion(y: ArrayLike<number>, predicted: Uint8Array): BinaryConfusion {
  const counts = [0, 0, 0, 0]; // index 2 * truth + prediction: tn, fp, fn, tp
  for (let i = 0; i < y.length; i++) {
    const k = 2 * (y[i] as number) + (predicted[i] as number);
    counts[k] = (counts[k] as number) + 1;
  }
  const [tn = 0, fp = 0, fn = 0, tp = 0] = counts;
  return { tn, fp, fn, tp };
}

/**
 * All scalar metrics of P(positive) `scores` against 0/1 targets `y`, with hard predictions
 * `score >= threshold`.
 */
export function binaryReport(
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  threshold: number,
): BinaryReport {
  const predicted = binaryPredictions("binary report", y, scores, threshold);
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as number;
    if (s < 0 || s > 1) {
      throw siftError("METRIC_INPUT_INVALID", "binary report", `score ${i} is ${s}, not a probability`);
    }
  }
  const cls = classificationScores(y, predicted, 2);
  const neg = cls.perClass[0];
  const pos = cls.perClass[1];
  if (neg === undefined || pos === undefined) throw siftError("INTERNAL", "binary report lost a class");
  const positives = countPositives(y);
  const bothClasses = positives > 0 && positives < y.length;
  const confusion = countConfusion(y, predicted);
  const metrics: Record<string, number> = {
    precision: pos.precision,
    recall: pos.recall,
    f1: pos.f1,
    accuracy: accuracy(y, predicted),
    specificity: neg.recall,
    roc_auc: bothClasses ? rocAuc(y, scores) : Number.NaN,
    pr_auc: positives > 0 ? averagePrecision(y, scores) : Number.NaN,
    log_loss: logLoss(y, scores),
    brier: brierScore(y, scores),
    macro_f1: cls.macro.f1,
    weighted_f1: cls.weighted.f1,
    positive_rate: (confusion.tp + confusion.fp) / y.length,
    support: y.length,
    threshold,
  };
  return { metrics, confusion };
}
