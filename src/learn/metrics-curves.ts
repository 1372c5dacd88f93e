/**
 * Ranking metrics and curves with scikit-learn's semantics (`_binary_clf_curve`, `roc_curve`,
 * `precision_recall_curve`, `roc_auc_score`, `average_precision_score`): rows with equal scores
 * form one threshold, so ties move the curve diagonally, exactly as sklearn does.
 */
import { siftError } from "../errors.ts";
import { checkBinaryInput, countPositives } from "./metrics-input.ts";

export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Decreasing; the first is +Infinity (no row predicted positive), as sklearn >= 1.3 does. */
  readonly thresholds: Float64Array;
}

export interface PrCurve {
  /** Recall decreasing; the last point is (recall 0, precision 1) with no threshold. */
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  /** Increasing; one fewer than precision/recall. */
  readonly thresholds: Float64Array;
}

export interface CurveOptions {
  /** Drop points that lie on a straight segment (sklearn's `drop_intermediate`). */
  readonly dropIntermediate?: boolean;
}

interface ClfCurve {
  readonly fps: Float64Array;
  readonly tps: Float64Array;
  readonly thresholds: Float64Array;
}

/** Cumulative false and true positives at each distinct score, highest score first. */
function binaryClfCurve(y: ArrayLike<number>, scores: ArrayLike<number>): ClfCurve {
  const n = y.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    tp += y[i] === 1 ? 1 : 0;
    const s = scores[i] as number;
    const next = k + 1 < n ? (scores[order[k + 1] as number] as number) : Number.NaN;
    if (s !== next) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(s);
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  };
}

function pick(curve: ClfCurve, keep: readonly number[]): ClfCurve {
  const take = (a: Float64Array) => Float64Array.from(keep, (i) => a[i] as number);
  return { fps: take(curve.fps), tps: take(curve.tps), thresholds: take(curve.thresholds) };
}

/** Keeps the ends and the points where the slope changes (sklearn roc_curve's rule). */
function dropCollinear(c: ClfCurve): ClfCurve {
  const n = c.fps.length;
  if (n <= 2) return c;
  const keep = [0];
  for (let i = 1; i < n - 1; i++) {
    const d2f = (c.fps[i + 1] as number) - 2 * (c.fps[i] as number) + (c.fps[i - 1] as number);
    const d2t = (c.tps[i + 1] as number) - 2 * (c.tps[i] as number) + (c.tps[i - 1] as number);
    if (d2f !== 0 || d2t !== 0) keep.push(i);
  }
  keep.push(n - 1);
  return pick(c, keep);
}

/** Keeps the ends and the points next to a change in true positives (sklearn PR curve's rule). */
function dropFlatRecall(c: ClfCurve): ClfCurve {
  const n = c.tps.length;
  if (n <= 2) return c;
  const keep = [0];
  for (let i = 1; i < n - 1; i++) {
    const before = (c.tps[i] as number) !== (c.tps[i - 1] as number);
    const after = (c.tps[i + 1] as number) !== (c.tps[i] as number);
    if (before || after) keep.push(i);
  }
  keep.push(n - 1);
  return pick(c, keep);
}

function requireBothClasses(metric: string, y: ArrayLike<number>): void {
  const pos = countPositives(y);
  if (pos === 0 || pos === y.length) {
    throw siftError("METRIC_UNDEFINED", metric, `every row has label ${pos === 0 ? 0 : 1}`);
  }
}

/** ROC curve points (false positive rate, true positive rate, threshold). */
export function rocCurve(
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: CurveOptions = {},
): RocCurve {
  checkBinaryInput("ROC curve", y, scores);
  requireBothClasses("ROC curve", y);
  const full = binaryClfCurve(y, scores);
  const c = options.dropIntermediate === false ? full : dropCollinear(full);
  const n = c.fps.length;
  const negatives = c.fps[n - 1] as number;
  const positives = c.tps[n - 1] as number;
  const fpr = new Float64Array(n + 1);
  const tpr = new Float64Array(n + 1);
  const thresholds = new Float64Array(n + 1);
  thresholds[0] = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    fpr[i + 1] = (c.fps[i] as number) / negatives;
    tpr[i + 1] = (c.tps[i] as number) / positives;
    thresholds[i + 1] = c.thresholds[i] as number;
  }
  return { fpr, tpr, thresholds };
}

/** Precision-recall curve points, in sklearn's order (recall decreasing). */
export function prCurve(
  y: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: CurveOptions = {},
): PrCurve {
  checkBinaryInput("PR curve", y, scores);
  if (countPositives(y) === 0) throw siftError("METRIC_UNDEFINED", "PR curve", "no row has label 1");
  const full = binaryClfCurve(y, scores);
  const c = options.dropIntermediate === true ? dropFlatRecall(full) : full;
  const n = c.tps.length;
  const positives = c.tps[n - 1] as number;
  const precision = new Float64Array(n + 1);
  const recall = new Float64Array(n + 1);
  const thresholds = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const src = n - 1 - i;
    const tp = c.tps[src] as number;
    precision[i] = tp / (tp + (c.fps[src] as number));
    recall[i] = tp / positives;
    thresholds[i] = c.thresholds[src] as number;
  }
  precision[n] = 1;
  recall[n] = 0;
  return { precision, recall, thresholds };
}

/** Area under the ROC curve by the trapezoidal rule (ties count one half, as in sklearn). */
export function rocAuc(y: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(y, scores, { dropIntermediate: false });
  let area = 0;
  for (let i = 1; i < fpr.length; i++) {
    area += ((fpr[i] as number) - (fpr[i - 1] as number)) * ((tpr[i] as number) + (tpr[i - 1] as number));
  }
  return area / 2;
}

/** PR AUC as average precision: sum over thresholds of (R_n - R_{n-1}) * P_n (no interpolation). */
export function averagePrecision(y: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { precision, recall } = prCurve(y, scores);
  let ap = 0;
  for (let i = 0; i < precision.length - 1; i++) {
    ap += ((recall[i] as number) - (recall[i + 1] as number)) * (precision[i] as number);
  }
  return ap;
}
