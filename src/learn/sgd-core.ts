/**
 * The SGD inner loop, after scikit-learn's `_plain_sgd` (sklearn/linear_model/_sgd_fast.pyx):
 * weights are stored as w·wscale so the L2 shrink of every step is one multiply (the "wscale
 * trick"), the intercept moves by the same update times a decay (0.01 for sparse input, as
 * sklearn's SPARSE_INTERCEPT_DECAY), and averaged SGD keeps its running mean lazily with the
 * same a/b coefficients. Loops run over typed arrays and allocate nothing per row.
 */

export const LOSS_LOG = 0;
export const LOSS_HINGE = 1;
export const LOSS_MODIFIED_HUBER = 2;

export const RATE_OPTIMAL = 0;
export const RATE_CONSTANT = 1;
export const RATE_INVSCALING = 2;
export const RATE_ADAPTIVE = 3;

/** sklearn clips |dloss| here to keep a single bad row from blowing up the weights. */
const MAX_DLOSS = 1e12;
/** sklearn's SPARSE_INTERCEPT_DECAY: sparse rows move the intercept 100× slower. */
const SPARSE_INTERCEPT_DECAY = 0.01;
/** Below this wscale the scale is folded into the weights, as sklearn's WeightVector does. */
const MIN_WSCALE = 1e-9;

/** Hyper-parameters the loop reads, already resolved to numbers. */
export interface LoopConfig {
  readonly loss: number;
  readonly rate: number;
  readonly alpha: number;
  /** 0 for pure L2, the elastic-net share otherwise; penaltyOn false means no penalty at all. */
  readonly l1Ratio: number;
  readonly penaltyOn: boolean;
  readonly eta0: number;
  readonly powerT: number;
  readonly fitIntercept: boolean;
  /** Averaging starts at this t (0 = off). */
  readonly average: number;
  readonly weightNeg: number;
  readonly weightPos: number;
  /** sklearn's `optimal_init`: t offset that makes the first optimal step equal its eta0 heuristic. */
  readonly optimalInit: number;
}

/** Everything a fitted SGD model is: weights, scale, intercept, step count and the average. */
export class SgdState {
  readonly w: Float64Array;
  wscale = 1;
  intercept = 0;
  /** sklearn's t_: 1 before the first row, +1 per row seen. */
  t = 1;
  readonly avgW: Float64Array;
  avgIntercept = 0;
  /** Lazy-average coefficients (sklearn's average_a / average_b), folded at the end of a pass. */
  avgA = 0;
  avgB = 1;
  /** Elastic net's cumulative L1 penalty (u) and what each weight has received (q), per pass. */
  u = 0;
  readonly q: Float64Array;
  /** Current step for the adaptive schedule. */
  eta: number;

  constructor(nFeatures: number, averaged: boolean, eta0: number) {
    this.w = new Float64Array(nFeatures);
    this.avgW = new Float64Array(averaged ? nFeatures : 0);
    this.q = new Float64Array(nFeatures);
    this.eta = eta0;
  }

  /** Multiplies the scale in (and folds the lazy average), leaving wscale = 1. */
  resetScale(): void {
    const { w, avgW } = this;
    if (avgW.length > 0) {
      const a = this.avgA;
      const inv = 1 / this.avgB;
      for (let j = 0; j < w.length; j++) avgW[j] = ((avgW[j] as number) + a * (w[j] as number)) * inv;
      this.avgA = 0;
      this.avgB = 1;
    }
    const s = this.wscale;
    for (let j = 0; j < w.length; j++) w[j] = (w[j] as number) * s;
    this.wscale = 1;
  }

  /** A copy of the learnt state (not the per-pass L1 accumulators), to roll a rejected pass back. */
  clone(): SgdState {
    const copy = new SgdState(this.w.length, this.avgW.length > 0, this.eta);
    copy.w.set(this.w);
    copy.avgW.set(this.avgW);
    copy.wscale = this.wscale;
    copy.intercept = this.intercept;
    copy.t = this.t;
    copy.avgIntercept = this.avgIntercept;
    copy.avgA = this.avgA;
    copy.avgB = this.avgB;
    return copy;
  }

  /** Starts a pass: sklearn allocates the L1 accumulators fresh for every `_plain_sgd` call. */
  beginPass(): void {
    this.u = 0;
    this.q.fill(0);
  }
}

/** d loss / d p for a target y in {-1, +1}. */
export function dloss(loss: number, p: number, y: number): number {
  const z = p * y;
  if (loss === LOSS_LOG) {
    if (z > 18) return Math.exp(-z) * -y;
    if (z < -18) return -y;
    return -y / (Math.exp(z) + 1);
  }
  if (loss === LOSS_HINGE) return z <= 1 ? -y : 0;
  if (z >= 1) return 0;
  return z >= -1 ? -2 * (1 - z) * y : -4 * y;
}

/** The loss itself (for fit's stopping rule). */
export function lossValue(loss: number, p: number, y: number): number {
  const z = p * y;
  if (loss === LOSS_LOG) {
    if (z > 18) return Math.exp(-z);
    if (z < -18) return -z;
    return Math.log1p(Math.exp(-z));
  }
  if (loss === LOSS_HINGE) return z <= 1 ? 1 - z : 0;
  if (z >= 1) return 0;
  return z >= -1 ? (1 - z) * (1 - z) : -4 * z;
}

function stepSize(cfg: LoopConfig, s: SgdState): number {
  if (cfg.rate === RATE_OPTIMAL) return 1 / (cfg.alpha * (cfg.optimalInit + s.t - 1));
  if (cfg.rate === RATE_INVSCALING) return cfg.eta0 / s.t ** cfg.powerT;
  return s.eta;
}

/**
 * The part of one SGD step that does not touch the row: step size, gradient, L2 shrink.
 * Returns the update (-eta · dloss · class weight) the caller adds along the row.
 */
function stepUpdate(cfg: LoopConfig, s: SgdState, p: number, label: number, eta: number): number {
  const y = label === 1 ? 1 : -1;
  let g = dloss(cfg.loss, p, y);
  if (g < -MAX_DLOSS) g = -MAX_DLOSS;
  else if (g > MAX_DLOSS) g = MAX_DLOSS;
  const update = -eta * g * (label === 1 ? cfg.weightPos : cfg.weightNeg);
  if (cfg.penaltyOn) {
    // Shrink never flips signs: with a too large eta·alpha sklearn zeroes the weights instead.
    s.wscale *= Math.max(0, 1 - (1 - cfg.l1Ratio) * eta * cfg.alpha);
    if (s.wscale < MIN_WSCALE) s.resetScale();
  }
  return update;
}

/** Moves the intercept and the running average's intercept after a row's update. */
function finishStep(cfg: LoopConfig, s: SgdState, update: number, decay: number): void {
  if (update !== 0 && cfg.fitIntercept) s.intercept += update * decay;
  if (cfg.average > 0 && cfg.average <= s.t) {
    s.avgIntercept += (s.intercept - s.avgIntercept) / (s.t - cfg.average + 1);
  }
}

/** Lazy average bookkeeping after the weights moved by `update` along a row (sklearn add_average). */
function advanceAverage(s: SgdState, numIter: number): void {
  const mu = 1 / numIter;
  if (numIter > 1) s.avgB /= 1 - mu;
  s.avgA += mu * s.avgB * s.wscale;
}

/** w += c · x over a dense row. */
function addDense(w: Float64Array, x: Float32Array, off: number, cols: number, c: number): void {
  for (let j = 0; j < cols; j++) w[j] = (w[j] as number) + (x[off + j] as number) * c;
}

/** w += c · x over a sparse row. */
function addSparse(
  w: Float64Array,
  indices: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  c: number,
): void {
  for (let e = start; e < end; e++) {
    const j = indices[e] as number;
    w[j] = (w[j] as number) + (values[e] as number) * c;
  }
}

/** One SGD step on dense row `off`; returns the score before the update. */
function denseStep(
  cfg: LoopConfig,
  s: SgdState,
  x: Float32Array,
  off: number,
  cols: number,
  label: number,
): number {
  const w = s.w;
  let dot = 0;
  for (let j = 0; j < cols; j++) dot += (w[j] as number) * (x[off + j] as number);
  const p = dot * s.wscale + s.intercept;
  const eta = stepSize(cfg, s);
  const update = stepUpdate(cfg, s, p, label, eta);
  if (update !== 0) addDense(w, x, off, cols, update / s.wscale);
  if (cfg.average > 0 && cfg.average <= s.t) {
    addDense(s.avgW, x, off, cols, (-s.avgA * update) / s.wscale);
    advanceAverage(s, s.t - cfg.average + 1);
  }
  finishStep(cfg, s, update, 1);
  if (cfg.penaltyOn && cfg.l1Ratio > 0) denseL1(s, cfg.l1Ratio * eta * cfg.alpha);
  s.t += 1;
  return p;
}

/** One SGD step on sparse entries [start, end); returns the score before the update. */
function sparseStep(
  cfg: LoopConfig,
  s: SgdState,
  indices: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  label: number,
): number {
  const w = s.w;
  let dot = 0;
  for (let e = start; e < end; e++) dot += (w[indices[e] as number] as number) * (values[e] as number);
  const p = dot * s.wscale + s.intercept;
  const eta = stepSize(cfg, s);
  const update = stepUpdate(cfg, s, p, label, eta);
  if (update !== 0) addSparse(w, indices, values, start, end, update / s.wscale);
  if (cfg.average > 0 && cfg.average <= s.t) {
    addSparse(s.avgW, indices, values, start, end, (-s.avgA * update) / s.wscale);
    advanceAverage(s, s.t - cfg.average + 1);
  }
  finishStep(cfg, s, update, SPARSE_INTERCEPT_DECAY);
  if (cfg.penaltyOn && cfg.l1Ratio > 0) sparseL1(s, cfg.l1Ratio * eta * cfg.alpha, indices, start, end);
  s.t += 1;
  return p;
}

/**
 * One pass over dense row-major rows in `order`; returns the summed loss when `withLoss` (else 0),
 * or NaN when a score was not finite. Dense values are not checked before the pass (a separate
 * sweep over the chunk costs a tenth of training): a NaN or infinite value always makes its
 * row's score non-finite, so the caller learns of bad input here and rolls the pass back.
 */
export function densePass(
  cfg: LoopConfig,
  s: SgdState,
  x: Float32Array,
  cols: number,
  y: Uint8Array,
  order: Uint32Array,
  withLoss: boolean,
): number {
  // Nothing after the loop needs type feedback: V8 compiles this loop on stack (OSR) before the
  // code after it ever ran, and an untyped `+` there cost a deoptimisation on every call.
  let sumLoss = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const label = y[i] as number;
    const p = denseStep(cfg, s, x, i * cols, cols, label);
    sumLoss += (withLoss ? lossValue(cfg.loss, p, label === 1 ? 1 : -1) : 0) + p * 0;
  }
  return sumLoss;
}

/** One pass over CSR rows in `order`; returns the summed loss when `withLoss`. */
export function sparsePass(
  cfg: LoopConfig,
  s: SgdState,
  indptr: Int32Array,
  indices: Int32Array,
  values: Float32Array,
  y: Uint8Array,
  order: Uint32Array,
  withLoss: boolean,
): number {
  let sumLoss = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const label = y[i] as number;
    const p = sparseStep(cfg, s, indices, values, indptr[i] as number, indptr[i + 1] as number, label);
    if (withLoss) sumLoss += lossValue(cfg.loss, p, label === 1 ? 1 : -1);
  }
  return sumLoss;
}

/** Cumulative L1 penalty (Tsuruoka et al. 2009), sklearn's `l1penalty`, on one weight. */
function l1One(s: SgdState, j: number): void {
  const w = s.w;
  const q = s.q;
  const z = w[j] as number;
  const ws = s.wscale;
  if (ws * z > 0) w[j] = Math.max(0, z - (s.u + (q[j] as number)) / ws);
  else if (ws * z < 0) w[j] = Math.min(0, z + (s.u - (q[j] as number)) / ws);
  q[j] = (q[j] as number) + ws * ((w[j] as number) - z);
}

function denseL1(s: SgdState, du: number): void {
  s.u += du;
  for (let j = 0; j < s.w.length; j++) l1One(s, j);
}

function sparseL1(s: SgdState, du: number, indices: Int32Array, start: number, end: number): void {
  s.u += du;
  for (let e = start; e < end; e++) l1One(s, indices[e] as number);
}
