/**
 * SGDClassifier: a linear model trained by stochastic gradient descent, one pass per
 * `partialFit` call (online learning) or several in `fit`, with scikit-learn's update rule,
 * losses and learning-rate schedules. Input is dense row-major Float32Array or CSR rows.
 */
import { siftError } from "../errors.ts";
import {
  bytesToF64,
  bytesToJson,
  f64ToBytes,
  jsonToBytes,
  requireFile,
  validateParams,
} from "../text/index.ts";
import {
  dloss,
  LOSS_HINGE,
  LOSS_LOG,
  LOSS_MODIFIED_HUBER,
  type LoopConfig,
  RATE_ADAPTIVE,
  RATE_CONSTANT,
  RATE_INVSCALING,
  RATE_OPTIMAL,
  SgdState,
} from "./sgd-core.ts";
import { allFinite, checkRows, isDense, type SgdInput, scoreRows, trainPass } from "./sgd-input.ts";
import { type SgdParams, sgdSchema } from "./sgd-params.ts";
import type { Targets } from "./types.ts";

export type { DenseMatrix, SgdInput } from "./sgd-input.ts";

const NAME = "SGDClassifier";
const LOSS_CODES = { log_loss: LOSS_LOG, hinge: LOSS_HINGE, modified_huber: LOSS_MODIFIED_HUBER } as const;
const RATE_CODES = {
  optimal: RATE_OPTIMAL,
  constant: RATE_CONSTANT,
  invscaling: RATE_INVSCALING,
  adaptive: RATE_ADAPTIVE,
} as const;
/** sklearn stops adaptive step decay below this eta. */
const MIN_ADAPTIVE_ETA = 1e-6;

function loopConfig(p: SgdParams): LoopConfig {
  const loss = LOSS_CODES[p.loss];
  // sklearn's heuristic for the "optimal" schedule's first step (Bottou's SvmSgd).
  const typw = Math.sqrt(1 / Math.sqrt(p.alpha));
  const initialEta0 = typw / Math.max(1, dloss(loss, -typw, 1));
  const [weightNeg = 1, weightPos = 1] = p.classWeight;
  return {
    loss,
    rate: RATE_CODES[p.learningRate],
    alpha: p.alpha,
    l1Ratio: p.penalty === "elasticnet" ? p.l1Ratio : 0,
    penaltyOn: p.penalty !== "none",
    eta0: p.eta0,
    powerT: p.powerT,
    fitIntercept: p.fitIntercept,
    average: p.average,
    weightNeg,
    weightPos,
    optimalInit: 1 / (initialEta0 * p.alpha),
  };
}

function checkParams(p: SgdParams): void {
  if (p.classWeight.length !== 0 && p.classWeight.length !== 2) {
    throw siftError(
      "PARAM_INVALID",
      "classWeight",
      NAME,
      JSON.stringify(p.classWeight),
      "must be [] or [w0, w1]",
    );
  }
}

/** mulberry32: a small seeded generator; its 32-bit state is saved so training resumes exactly. */
function nextRandom(state: Uint32Array): number {
  state[0] = ((state[0] as number) + 0x6d2b79f5) >>> 0;
  let z = state[0] as number;
  z = Math.imul(z ^ (z >>> 15), z | 1);
  z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
  return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
}

// One loop per function: V8 compiles a long loop on stack (OSR) before the code after it has run,
// and code after it that never ran costs a deoptimisation on every call.
function fillIdentity(order: Uint32Array): void {
  for (let i = 0; i < order.length; i++) order[i] = i;
}

/** Fisher–Yates with the saved generator. */
function shuffleInPlace(order: Uint32Array, rng: Uint32Array): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(nextRandom(rng) * (i + 1));
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
}

export class SGDClassifier {
  readonly params: SgdParams;
  private readonly cfg: LoopConfig;
  private state: SgdState | null = null;
  private readonly rng = new Uint32Array(1);
  private lastEpochs = 0;
  /** The visiting order, reused so a stream of partialFit calls allocates it once. */
  private order = new Uint32Array(0);

  /** Validates `params` against the declared schema (PARAM_INVALID names the bad one). */
  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = validateParams(NAME, sgdSchema, params);
    checkParams(this.params);
    this.cfg = loopConfig(this.params);
    this.rng[0] = this.params.seed;
  }

  get nFeatures(): number {
    return this.fitted("nFeatures").w.length;
  }

  /** Passes the last `fit` ran (sklearn's n_iter_). */
  get epochs(): number {
    this.fitted("epochs");
    return this.lastEpochs;
  }

  /** Rows seen so far plus one (sklearn's t_). */
  get steps(): number {
    return this.fitted("steps").t;
  }

  /** One pass over `x` (shuffled when `shuffle`), continuing from the current weights. */
  partialFit(x: SgdInput, y: Targets): this {
    const state = this.prepare(x, y);
    this.pass(state, x, y, false);
    this.lastEpochs = 1;
    return this;
  }

  /** Trains from scratch: up to maxIter passes, stopping by sklearn's tol / nIterNoChange rule. */
  fit(x: SgdInput, y: Targets): this {
    this.state = null;
    this.rng[0] = this.params.seed;
    const state = this.prepare(x, y);
    const { tol, nIterNoChange, maxIter } = this.params;
    let best = Number.POSITIVE_INFINITY;
    let stale = 0;
    this.lastEpochs = 0;
    for (let epoch = 0; epoch < maxIter; epoch++) {
      this.lastEpochs = epoch + 1;
      const loss = this.pass(state, x, y, true);
      stale = loss > best - tol * x.rows ? stale + 1 : 0;
      best = Math.min(best, loss);
      if (stale < nIterNoChange) continue;
      if (this.cfg.rate !== RATE_ADAPTIVE || state.eta <= MIN_ADAPTIVE_ETA) break;
      state.eta /= 5;
      stale = 0;
    }
    return this;
  }

  /** Decision score w·x + b per row (log-odds for log_loss). */
  decisionFunction(x: SgdInput): Float64Array {
    const state = this.fitted("decisionFunction");
    checkRows(NAME, x, state.w.length);
    const { w, b } = this.effective(state);
    return scoreRows(x, w, b);
  }

  /** P(class 1): the logistic of the score (log_loss) or sklearn's modified-Huber estimate. */
  predictProba(x: SgdInput): Float64Array {
    if (this.cfg.loss === LOSS_HINGE) {
      throw siftError(
        "PARAM_INVALID",
        "loss",
        NAME,
        '"hinge"',
        "hinge loss gives no probabilities; use log_loss",
      );
    }
    const scores = this.decisionFunction(x);
    const huber = this.cfg.loss === LOSS_MODIFIED_HUBER;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i] as number;
      scores[i] = huber ? (Math.min(1, Math.max(-1, s)) + 1) / 2 : 1 / (1 + Math.exp(-s));
    }
    return scores;
  }

  predict(x: SgdInput): Uint8Array {
    const scores = this.decisionFunction(x);
    return Uint8Array.from(scores, (s) => (s > 0 ? 1 : 0));
  }

  /** The weights and intercept predictions use (the average once averaging has started). */
  coefficients(): { readonly coef: Float64Array; readonly intercept: number } {
    const { w, b } = this.effective(this.fitted("coefficients"));
    return { coef: Float64Array.from(w), intercept: b };
  }

  /** Typed-array state; `SGDClassifier.load` rebuilds a model that predicts and trains on identically. */
  save(): { readonly params: SgdParams; readonly files: Record<string, Uint8Array> } {
    const s = this.fitted("save");
    s.resetScale();
    const meta = {
      t: s.t,
      intercept: s.intercept,
      avgIntercept: s.avgIntercept,
      eta: s.eta,
      rng: this.rng[0],
    };
    return {
      params: this.params,
      files: {
        "sgd-weights.f64": f64ToBytes(s.w),
        "sgd-average.f64": f64ToBytes(s.avgW),
        "sgd.json": jsonToBytes(meta),
      },
    };
  }

  static load(
    params: Readonly<Record<string, unknown>>,
    files: Readonly<Record<string, Uint8Array>>,
  ): SGDClassifier {
    const model = new SGDClassifier(params);
    const w = bytesToF64(requireFile(files, "sgd-weights.f64"), "sgd-weights.f64");
    const avg = bytesToF64(requireFile(files, "sgd-average.f64"), "sgd-average.f64");
    const meta = bytesToJson(requireFile(files, "sgd.json"), "sgd.json") as Record<string, unknown>;
    const averaged = model.params.average > 0;
    if (avg.length !== (averaged ? w.length : 0))
      throw siftError("MODEL_SPEC_INVALID", "sgd-average.f64 has the wrong length");
    const num = (key: string): number => {
      const v = meta[key];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw siftError("MODEL_SPEC_INVALID", `sgd.json has no number ${key}`);
      return v;
    };
    const state = new SgdState(w.length, averaged, num("eta"));
    state.w.set(w);
    state.avgW.set(avg);
    state.t = num("t");
    state.intercept = num("intercept");
    state.avgIntercept = num("avgIntercept");
    model.rng[0] = num("rng");
    model.state = state;
    return model;
  }

  private fitted(what: string): SgdState {
    if (this.state === null) throw siftError("MODEL_NOT_FITTED", NAME, what);
    return this.state;
  }

  /** sklearn switches predictions to the averaged weights once t - 1 ≥ average. */
  private effective(s: SgdState): { w: Float64Array; b: number } {
    s.resetScale();
    const useAverage = this.params.average > 0 && this.params.average <= s.t - 1;
    return useAverage ? { w: s.avgW, b: s.avgIntercept } : { w: s.w, b: s.intercept };
  }

  private prepare(x: SgdInput, y: Targets): SgdState {
    // Dense values are checked by the pass itself (see densePass), CSR values here.
    checkRows(NAME, x, this.state?.w.length ?? x.cols, y, isDense(x));
    if (this.state === null) this.state = new SgdState(x.cols, this.params.average > 0, this.params.eta0);
    return this.state;
  }

  /**
   * The order rows train in: a seeded Fisher–Yates permutation (identity without shuffle). Rows
   * are read where they lie. Copying a chunk into shuffled order first, so that training streams
   * through memory, was measured slower than the random reads it saves (bench/RESULTS.md).
   */
  private visitOrder(rows: number): Uint32Array {
    if (this.order.length < rows) this.order = new Uint32Array(rows);
    const order = this.order.subarray(0, rows);
    fillIdentity(order);
    if (this.params.shuffle) shuffleInPlace(order, this.rng);
    return order;
  }

  private pass(state: SgdState, x: SgdInput, y: Targets, withLoss: boolean): number {
    const rngBefore = this.rng[0] as number;
    // Dense input is checked during the pass, so keep what to roll back to (cols numbers).
    const before = isDense(x) ? state.clone() : null;
    const order = this.visitOrder(x.rows);
    state.beginPass();
    const loss = trainPass(this.cfg, state, x, y, order, withLoss);
    state.resetScale();
    if (Number.isNaN(loss) && isDense(x) && !allFinite(x.data, 0, x.data.length)) {
      // Rejected input leaves the model exactly as it was (unfitted if this was its first rows).
      this.rng[0] = rngBefore;
      this.state = before !== null && before.t > 1 ? before : null;
      throw siftError("MODEL_INPUT_INVALID", NAME, "a feature value is NaN or infinite");
    }
    if (Number.isNaN(loss) || !Number.isFinite(state.intercept) || state.w.some((v) => !Number.isFinite(v))) {
      this.state = null;
      throw siftError(
        "MODEL_INPUT_INVALID",
        NAME,
        "the weights overflowed and the model was reset; lower eta0 or alpha, or scale the features",
      );
    }
    return loss;
  }
}
