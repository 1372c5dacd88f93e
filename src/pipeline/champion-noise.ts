/**
 * How much of a champion/challenger difference is sampling noise: a paired bootstrap over the
 * compared rows. On 87 rows one prediction moves F1 by more than 0.01, so a fixed tolerance alone
 * would let two rows refuse a model that ranks better on every threshold-free metric. The gate
 * fails a candidate only when it is worse beyond the tolerance both as observed and at the edge of
 * this interval (see gates.ts). Seeded: the same rows and seed give the same interval.
 */
import {
  accuracy,
  applyThreshold,
  averagePrecision,
  binaryReport,
  brierScore,
  classificationScores,
  logLoss,
  rocAuc,
} from "../learn/index.ts";

/** Resamples drawn: enough for stable 5th/95th percentiles, cheap next to scoring. */
const RESAMPLES = 400;

export interface PairedScores {
  readonly y: Uint8Array;
  readonly candidate: { readonly scores: Float64Array; readonly threshold: number };
  readonly champion: { readonly scores: Float64Array; readonly threshold: number };
  readonly metric: string;
  readonly seed: number;
}

/** 90 % interval (5th and 95th percentiles) of candidate − champion on `metric`; null when undefined. */
export interface DifferenceInterval {
  readonly low: number;
  readonly high: number;
}

/** xorshift32: small, seeded, the same sequence everywhere. */
function random(seed: number): () => number {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export function bootstrapDifference(input: PairedScores): DifferenceInterval | null {
  const n = input.y.length;
  if (n === 0) return null;
  const next = random(input.seed);
  const y = new Uint8Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const differences: number[] = [];
  for (let r = 0; r < RESAMPLES; r++) {
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(next() * n);
      y[i] = input.y[pick] as number;
      a[i] = input.candidate.scores[pick] as number;
      b[i] = input.champion.scores[pick] as number;
    }
    const candidate = metricOf(input.metric, y, a, input.candidate.threshold);
    const champion = metricOf(input.metric, y, b, input.champion.threshold);
    // A resample with one class leaves AUC undefined; it says nothing about the difference.
    if (candidate !== undefined && champion !== undefined && Number.isFinite(candidate - champion))
      differences.push(candidate - champion);
  }
  if (differences.length < RESAMPLES / 2) return null;
  differences.sort((x, z) => x - z);
  return { low: quantile(differences, 0.05), high: quantile(differences, 0.95) };
}

/**
 * One metric of binaryReport, computed alone through learn's own functions: the full report costs
 * ~3 ms on a thousand rows (every curve and loss), and the bootstrap needs 800 of them.
 */
export function metricOf(metric: string, y: Uint8Array, scores: Float64Array, threshold: number): number {
  let positives = 0;
  for (const v of y) positives += v;
  switch (metric) {
    case "roc_auc":
      return positives > 0 && positives < y.length ? rocAuc(y, scores) : Number.NaN;
    case "pr_auc":
      return positives > 0 ? averagePrecision(y, scores) : Number.NaN;
    case "log_loss":
      return logLoss(y, scores);
    case "brier":
      return brierScore(y, scores);
    default:
      // A metric added to binaryReport later: the full report, slower but right.
      return (
        thresholded(metric, y, applyThreshold(scores, threshold)) ??
        binaryReport(y, scores, threshold).metrics[metric] ??
        Number.NaN
      );
  }
}

function thresholded(metric: string, y: Uint8Array, predicted: Uint8Array): number | undefined {
  if (metric === "accuracy") return accuracy(y, predicted);
  if (metric === "positive_rate") return predicted.reduce((a, v) => a + v, 0) / y.length;
  const cls = classificationScores(y, predicted, 2);
  const pos = cls.perClass[1];
  const neg = cls.perClass[0];
  const values: Readonly<Record<string, number | undefined>> = {
    precision: pos?.precision,
    recall: pos?.recall,
    f1: pos?.f1,
    specificity: neg?.recall,
    macro_f1: cls.macro.f1,
    weighted_f1: cls.weighted.f1,
  };
  return values[metric];
}

function quantile(sorted: readonly number[], q: number): number {
  const at = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[at] as number;
}
