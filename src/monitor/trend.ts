/**
 * Per-bucket drift and quality for plots over time. Precision and recall are cumulative, because
 * feedback per minute is sparse and a per-bucket ratio of two or three labels is noise.
 */
import { histogram, psi } from "./drift.ts";
import type { DriftReference, TimeBucket, TrendPoint } from "./types.ts";

export function trendOf(
  series: readonly TimeBucket[],
  references: ReadonlyMap<string, DriftReference>,
): TrendPoint[] {
  const totals = new Map<string, { tp: number; fp: number; fn: number }>();
  const sorted = [...series].sort((a, b) => a.start - b.start);
  return sorted.map((bucket) => {
    const key = `${bucket.model}@${bucket.version}/${bucket.route}`;
    const total = totals.get(key) ?? { tp: 0, fp: 0, fn: 0 };
    total.tp += bucket.tp;
    total.fp += bucket.fp;
    total.fn += bucket.fn;
    totals.set(key, total);
    const reference = references.get(`${bucket.model}@${bucket.version}`);
    return {
      start: bucket.start,
      model: bucket.model,
      version: bucket.version,
      route: bucket.route,
      predictions: bucket.predictions,
      scorePsi: reference
        ? psi(reference.score.counts, histogram(bucket.scores, reference.score.edges))
        : null,
      oovRate: bucket.tokens > 0 ? bucket.oovTokens / bucket.tokens : 0,
      positiveShare: bucket.predictions > 0 ? bucket.positives / bucket.predictions : 0,
      labelled: bucket.labelled,
      precision: total.tp + total.fp > 0 ? total.tp / (total.tp + total.fp) : null,
      recall: total.tp + total.fn > 0 ? total.tp / (total.tp + total.fn) : null,
    };
  });
}
