/**
 * Calibration table (sklearn's `calibration_curve`, plus the counts and empty bins it leaves out):
 * a probability p falls in bin i when edge[i] < p <= edge[i+1]; the first bin also takes p = edge[0].
 */
import { siftError } from "../errors.ts";
import { checkProbabilities } from "./metrics-input.ts";

export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  /** Mean predicted probability in the bin; NaN when the bin is empty. */
  readonly meanPredicted: number;
  /** Fraction of rows with label 1 in the bin; NaN when the bin is empty. */
  readonly fractionPositive: number;
  readonly count: number;
}

export interface CalibrationOptions {
  /** Number of bins (default 10). */
  readonly bins?: number;
  /** "uniform" bins of equal width on [0, 1] (default) or "quantile" bins of equal count. */
  readonly strategy?: "uniform" | "quantile";
}

/**
 * numpy's default percentile, step for step (percent -> fraction -> virtual index, then its lerp
 * that works from the nearer end) so bin edges round the way sklearn's do.
 */
function quantile(sorted: Float64Array, percent: number): number {
  const pos = (percent / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const t = pos - lo;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

function binEdges(p: ArrayLike<number>, bins: number, strategy: "uniform" | "quantile"): Float64Array {
  const edges = new Float64Array(bins + 1);
  if (strategy === "uniform") {
    for (let i = 0; i <= bins; i++) edges[i] = i / bins;
    return edges;
  }
  const sorted = Float64Array.from(p).sort();
  for (let i = 0; i <= bins; i++) edges[i] = quantile(sorted, (i / bins) * 100);
  return edges;
}

/** First inner edge >= p (numpy `searchsorted(edges[1:-1], p, side="left")`). */
function binOf(edges: Float64Array, p: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid + 1] as number) < p) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reliability table: per probability bin, mean predicted, fraction positive and row count. */
export function calibrationTable(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  options: CalibrationOptions = {},
): CalibrationBin[] {
  checkProbabilities("calibration table", y, p);
  const bins = options.bins ?? 10;
  const strategy = options.strategy ?? "uniform";
  if (!Number.isInteger(bins) || bins < 1) {
    throw siftError("METRIC_INPUT_INVALID", "calibration table", `bins is ${bins}, needs an integer >= 1`);
  }
  const edges = binEdges(p, bins, strategy);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const b = binOf(edges, p[i] as number);
    sumP[b] = (sumP[b] as number) + (p[i] as number);
    sumY[b] = (sumY[b] as number) + (y[i] as number);
    count[b] = (count[b] as number) + 1;
  }
  return Array.from({ length: bins }, (_, b) => {
    const n = count[b] as number;
    return {
      lower: edges[b] as number,
      upper: edges[b + 1] as number,
      meanPredicted: n === 0 ? Number.NaN : (sumP[b] as number) / n,
      fractionPositive: n === 0 ? Number.NaN : (sumY[b] as number) / n,
      count: n,
    };
  });
}
