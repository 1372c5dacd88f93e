/**
 * Drift math: histograms on fixed bins, the population stability index, label-mix shift, and the
 * thresholds that turn those numbers into an alert. Pure functions; the log supplies the inputs.
 */
import type { DriftReference, DriftSignals, DriftThresholds, Histogram } from "./types.ts";

export const DEFAULT_THRESHOLDS: DriftThresholds = {
  scorePsi: 0.2,
  lengthPsi: 0.2,
  oovRise: 0.15,
  labelShift: 0.2,
  minSamples: 50,
};

/** Counts of `values` in the bins `edges`; values beyond either end land in the end bins. */
export function histogram(values: Iterable<number>, edges: readonly number[]): number[] {
  const bins = Math.max(edges.length - 1, 1);
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    const bin = binOf(value, edges, bins);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

function binOf(value: number, edges: readonly number[], bins: number): number {
  // Binary search for the last edge <= value, clamped to the bin range.
  let lo = 0;
  let hi = bins - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (value >= (edges[mid] ?? Number.POSITIVE_INFINITY)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Evenly spaced edges from `lo` to `hi`. */
export function evenEdges(lo: number, hi: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
}

/**
 * Population stability index of `actual` against `expected` (bin counts on the same edges).
 * Empty bins are smoothed with a small floor so one empty bin does not make PSI infinite.
 */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  const e = shares(expected);
  const a = shares(actual);
  if (e === null || a === null) return 0;
  let total = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(e[i] ?? 0, 1e-4);
    const ai = Math.max(a[i] ?? 0, 1e-4);
    total += (ai - ei) * Math.log(ai / ei);
  }
  return total;
}

function shares(counts: readonly number[]): number[] | null {
  const sum = counts.reduce((s, c) => s + c, 0);
  return sum > 0 ? counts.map((c) => c / sum) : null;
}

/** Largest absolute change of any label's share between two mixes. */
export function labelShift(
  reference: Readonly<Record<string, number>>,
  live: Readonly<Record<string, number>>,
): number {
  let worst = 0;
  for (const label of new Set([...Object.keys(reference), ...Object.keys(live)])) {
    worst = Math.max(worst, Math.abs((reference[label] ?? 0) - (live[label] ?? 0)));
  }
  return worst;
}

export function mixOf(counts: Readonly<Record<string, number>>): Record<string, number> {
  const total = Object.values(counts).reduce((s, c) => s + c, 0);
  const mix: Record<string, number> = {};
  for (const [label, count] of Object.entries(counts)) mix[label] = total > 0 ? count / total : 0;
  return mix;
}

/** What drift needs from live traffic of one model version. */
export interface LiveSample {
  readonly scores: readonly number[];
  readonly lengths: readonly number[];
  readonly tokens: number;
  readonly oovTokens: number;
  readonly labelCounts: Readonly<Record<string, number>>;
}

export function driftSignals(reference: DriftReference, live: LiveSample): DriftSignals {
  return {
    samples: live.scores.length,
    scorePsi: psi(reference.score.counts, histogram(live.scores, reference.score.edges)),
    lengthPsi: psi(reference.length.counts, histogram(live.lengths, reference.length.edges)),
    oovRate: live.tokens > 0 ? live.oovTokens / live.tokens : 0,
    oovBaseline: reference.oovRate,
    labelMix: mixOf(live.labelCounts),
    labelShift: labelShift(reference.labelMix, mixOf(live.labelCounts)),
  };
}

/** Names of the signals over their thresholds; nothing is flagged below `minSamples`. */
export function driftAlerts(
  signals: DriftSignals,
  thresholds: DriftThresholds = DEFAULT_THRESHOLDS,
): string[] {
  if (signals.samples < thresholds.minSamples) return [];
  const alerts: string[] = [];
  if (signals.scorePsi > thresholds.scorePsi) alerts.push("score_psi");
  if (signals.lengthPsi > thresholds.lengthPsi) alerts.push("length_psi");
  if (signals.oovRate - signals.oovBaseline > thresholds.oovRise) alerts.push("oov_rate");
  if (signals.labelShift > thresholds.labelShift) alerts.push("label_mix");
  return alerts;
}

export type { Histogram };
