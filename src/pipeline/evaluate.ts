/**
 * Scoring a fitted model on the held-out splits: the metrics gates read, and the curves, tables
 * and examples the report draws. All numbers come from learn's metrics, never re-derived here.
 */
import { type CleanRow, RELEVANT } from "../data/index.ts";
import { binaryReport, calibrationTable, prCurve, rocCurve, type TextClassifier } from "../learn/index.ts";
import type { Point } from "./report-charts.ts";

export interface SplitScores {
  readonly texts: string[];
  /** Normalised keys (what duplicates share): the champion gate matches rows by them. */
  readonly keys: string[];
  readonly y: Uint8Array;
  readonly scores: Float64Array;
}

/** Most curve points a report chart keeps; more only grows the file, not what the eye sees. */
const MAX_POINTS = 300;

export function targetsOf(rows: readonly CleanRow[]): Uint8Array {
  return Uint8Array.from(rows, (row) => (row.label === RELEVANT ? 1 : 0));
}

export function scoreSplit(classifier: TextClassifier, rows: readonly CleanRow[]): SplitScores {
  const texts = rows.map((row) => row.text);
  return {
    texts,
    keys: rows.map((row) => row.key),
    y: targetsOf(rows),
    scores: classifier.predictProba(texts),
  };
}

/** Metrics at `threshold`, with NaN (undefined for one-class rows) dropped so JSON stays honest. */
export function metricsAt(split: SplitScores, threshold: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(binaryReport(split.y, split.scores, threshold).metrics)) {
    if (Number.isFinite(value)) out[name] = value;
  }
  return out;
}

function hasBothClasses(y: Uint8Array): boolean {
  let positives = 0;
  for (const v of y) positives += v;
  return positives > 0 && positives < y.length;
}

export interface Curves {
  readonly roc: Point[];
  readonly pr: Point[];
  readonly sweep: Array<{ threshold: number; precision: number; recall: number }>;
  readonly calibration: Array<{ predicted: number; observed: number; count: number }>;
  readonly confusion: { tp: number; fp: number; tn: number; fn: number };
}

/** ROC, PR and calibration on test; the precision/recall sweep on validation (where the threshold is chosen). */
export function curves(test: SplitScores, validation: SplitScores, threshold: number): Curves {
  const both = hasBothClasses(test.y);
  const roc = both ? rocCurve(test.y, test.scores) : null;
  const pr = both ? prCurve(test.y, test.scores) : null;
  const sweepCurve = hasBothClasses(validation.y) ? prCurve(validation.y, validation.scores) : null;
  const sweep: Curves["sweep"] = [];
  if (sweepCurve) {
    for (let i = 0; i < sweepCurve.thresholds.length; i++) {
      sweep.push({
        threshold: sweepCurve.thresholds[i] as number,
        precision: sweepCurve.precision[i] as number,
        recall: sweepCurve.recall[i] as number,
      });
    }
  }
  const confusion = binaryReport(test.y, test.scores, threshold).confusion;
  return {
    roc: roc ? thin(zip(roc.fpr, roc.tpr)) : [],
    pr: pr ? thin(zip(pr.recall, pr.precision)) : [],
    sweep: thin(sweep),
    calibration: calibrationTable(test.y, test.scores, { bins: 10 }).map((bin) => ({
      predicted: bin.meanPredicted,
      observed: bin.fractionPositive,
      count: bin.count,
    })),
    confusion: { tp: confusion.tp, fp: confusion.fp, tn: confusion.tn, fn: confusion.fn },
  };
}

function zip(xs: Float64Array, ys: Float64Array): Point[] {
  return Array.from(xs, (x, i) => ({ x, y: ys[i] as number }));
}

/** Keeps at most MAX_POINTS evenly spaced points, always the first and the last. */
export function thin<T>(points: readonly T[]): T[] {
  if (points.length <= MAX_POINTS) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (MAX_POINTS - 1);
  for (let i = 0; i < MAX_POINTS; i++) out.push(points[Math.round(i * step)] as T);
  return out;
}

export interface Mistakes {
  readonly falsePositives: Array<{ text: string; score: number }>;
  readonly falseNegatives: Array<{ text: string; score: number }>;
}

/** The most confident mistakes on the test split: what a reviewer should read first. */
export function mistakes(test: SplitScores, threshold: number, limit: number): Mistakes {
  const fp: Array<{ text: string; score: number }> = [];
  const fn: Array<{ text: string; score: number }> = [];
  for (let i = 0; i < test.y.length; i++) {
    const score = test.scores[i] as number;
    const predicted = score >= threshold ? 1 : 0;
    const text = test.texts[i] as string;
    if (predicted === 1 && test.y[i] === 0) fp.push({ text, score });
    if (predicted === 0 && test.y[i] === 1) fn.push({ text, score });
  }
  fp.sort((a, b) => b.score - a.score || (a.text < b.text ? -1 : 1));
  fn.sort((a, b) => a.score - b.score || (a.text < b.text ? -1 : 1));
  return { falsePositives: fp.slice(0, limit), falseNegatives: fn.slice(0, limit) };
}

export interface TopFeatures {
  readonly positive: Array<{ feature: string; weight: number }>;
  readonly negative: Array<{ feature: string; weight: number }>;
}

/**
 * Top features per class from the model's own explanations: each feature's mean contribution
 * over the test sentences where it fires. This works for any classifier that explains itself,
 * without reaching into a particular estimator's weights.
 */
export function topFeatures(
  classifier: TextClassifier,
  texts: readonly string[],
  limit: number,
): TopFeatures {
  if (limit === 0) return { positive: [], negative: [] };
  const sums = new Map<string, { total: number; count: number }>();
  for (const text of texts.slice(0, 1500)) {
    for (const f of classifier.explain(text, 30).features) {
      const entry = sums.get(f.feature) ?? { total: 0, count: 0 };
      entry.total += f.contribution;
      entry.count += 1;
      sums.set(f.feature, entry);
    }
  }
  // A feature seen in only one or two sentences is an anecdote, not a pattern.
  const ranked = [...sums]
    .filter(([, e]) => e.count >= 3)
    .map(([feature, e]) => ({ feature, weight: e.total / e.count }))
    .sort((a, b) => b.weight - a.weight || (a.feature < b.feature ? -1 : 1));
  return {
    positive: ranked.filter((f) => f.weight > 0).slice(0, limit),
    negative: ranked
      .filter((f) => f.weight < 0)
      .reverse()
      .slice(0, limit),
  };
}
