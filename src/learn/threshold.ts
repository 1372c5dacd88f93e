/**
 * Decision thresholds chosen on validation scores by a stated rule:
 * - max-f1: the threshold with the highest F1 of the positive class (ties: the lowest threshold);
 * - precision-at-least: the most recall whose precision meets the target, at the highest
 *   threshold that gives it; when no threshold meets it, the one with the highest precision.
 * A prediction is positive when score ≥ threshold. The returned threshold is one of the scores
 * (the midpoint to the next lower score would be as good on this data; the score itself keeps
 * the rule exact and reproducible).
 */
import { siftError } from "../errors.ts";
import type { Targets } from "./types.ts";

export type ThresholdRule =
  | { readonly kind: "max-f1" }
  | { readonly kind: "precision-at-least"; readonly target: number };

function checkInputs(scores: Float64Array, y: Targets, rule: ThresholdRule): void {
  if (scores.length !== y.length) {
    throw siftError("TRAINING_DATA_INVALID", `${scores.length} scores but ${y.length} targets`);
  }
  if (scores.length === 0) throw siftError("TRAINING_DATA_INVALID", "no scores to choose a threshold from");
  for (const s of scores) {
    if (Number.isNaN(s)) throw siftError("TRAINING_DATA_INVALID", "a score is NaN");
  }
  if (rule.kind === "precision-at-least" && !(rule.target > 0 && rule.target <= 1)) {
    throw siftError("PARAM_INVALID", "target", "precision-at-least", rule.target, "must be in (0, 1]");
  }
  if (rule.kind !== "max-f1" && rule.kind !== "precision-at-least") {
    throw siftError(
      "PARAM_INVALID",
      "kind",
      "threshold rule",
      JSON.stringify((rule as { kind: unknown }).kind),
      'must be "max-f1" or "precision-at-least"',
    );
  }
}

interface Cut {
  readonly threshold: number;
  readonly tp: number;
  readonly fp: number;
}

/** Counts at every distinct score, highest first: predicting score ≥ threshold as positive. */
function cuts(scores: Float64Array, y: Targets): Cut[] {
  const order = Array.from(scores.keys()).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number) || a - b,
  );
  const out: Cut[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < order.length; r++) {
    const i = order[r] as number;
    if (y[i] === 1) tp++;
    else fp++;
    const s = scores[i] as number;
    // Tied scores fall on the same side of any threshold: evaluate once, after the last of them.
    if (r + 1 < order.length && scores[order[r + 1] as number] === s) continue;
    out.push({ threshold: s, tp, fp });
  }
  return out;
}

function maxF1(all: readonly Cut[], positives: number): number {
  let best = Number.NEGATIVE_INFINITY;
  let chosen = (all[0] as Cut).threshold;
  for (const { threshold, tp, fp } of all) {
    const f1 = positives === 0 ? 0 : (2 * tp) / (tp + fp + positives);
    if (f1 >= best) {
      best = f1;
      chosen = threshold;
    }
  }
  return chosen;
}

function precisionAtLeast(all: readonly Cut[], target: number): number {
  let chosen: number | null = null;
  let chosenTp = -1;
  let bestPrecision = -1;
  let fallback = (all[0] as Cut).threshold;
  for (const { threshold, tp, fp } of all) {
    const precision = tp / (tp + fp);
    // Cuts come highest threshold first, so tp never falls: keep the first cut that reaches each
    // new recall. Going lower without adding a true positive only adds false positives, which
    // would spend the precision margin the target was meant to keep.
    if (precision >= target && tp > chosenTp) {
      chosen = threshold;
      chosenTp = tp;
    }
    if (precision > bestPrecision) {
      bestPrecision = precision;
      fallback = threshold;
    }
  }
  return chosen ?? fallback;
}

export function chooseThreshold(scores: Float64Array, y: Targets, rule: ThresholdRule): number {
  checkInputs(scores, y, rule);
  const all = cuts(scores, y);
  if (rule.kind === "max-f1") {
    let positives = 0;
    for (const label of y) positives += label === 1 ? 1 : 0;
    return maxF1(all, positives);
  }
  return precisionAtLeast(all, rule.target);
}
