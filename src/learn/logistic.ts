/**
 * L2-regularised logistic regression, binary (sigmoid) or multinomial (softmax), with class
 * weights, solved by L-BFGS to a stated tolerance on the gradient. The objective is
 * scikit-learn's, divided by the total sample weight S so `tol` means the same at any data size:
 *   f(w, b) = (Σᵢ sᵢ·loss(xᵢ·w + b, yᵢ) + ‖w‖² / (2C)) / S        (the intercept is not penalised)
 */
import { type ParamsOf, paramsToJson, validateParams } from "../text/index.ts";
import {
  type BinaryLinear,
  checkColumns,
  checkTrainingData,
  classWeights,
  type Estimator,
  linearScores,
  notFitted,
  twoColumn,
} from "./estimator.ts";
import { minimizeLbfgs } from "./lbfgs.ts";
import type { ClassifierSpec, CsrMatrix, Targets } from "./types.ts";

export const logisticSchema = {
  C: { type: "number", default: 1, min: 0, exclusiveMin: true },
  /** Stop when the largest gradient component of the (scaled) objective is ≤ tol. */
  tol: { type: "number", default: 1e-6, min: 0, exclusiveMin: true },
  maxIter: { type: "number", default: 1000, min: 1, integer: true },
  classWeight: { type: "enum", values: ["none", "balanced"], default: "none" },
  fitIntercept: { type: "boolean", default: true },
  /** "auto": sigmoid for two classes, softmax for more. "multinomial": softmax always. */
  multiClass: { type: "enum", values: ["auto", "multinomial"], default: "auto" },
} as const;

export type LogisticParams = ParamsOf<typeof logisticSchema>;

export interface LogisticFit {
  /** classes' × cols, row-major; one row (class 1) for a sigmoid model. */
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly classes: number;
  readonly iterations: number;
  readonly converged: boolean;
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

interface Problem {
  readonly X: CsrMatrix;
  readonly y: Targets;
  readonly sw: Float64Array;
  readonly totalWeight: number;
  readonly C: number;
  readonly fitIntercept: boolean;
}

function penalty(x: Float64Array, grad: Float64Array, wLength: number, p: Problem): number {
  let sq = 0;
  const scale = 1 / (p.C * p.totalWeight);
  for (let j = 0; j < wLength; j++) {
    const w = x[j] as number;
    sq += w * w;
    grad[j] = (grad[j] as number) + scale * w;
  }
  return 0.5 * scale * sq;
}

function binaryObjective(p: Problem) {
  const { X, y, sw, totalWeight } = p;
  const d = X.cols;
  const { indptr, indices, values } = X;
  return (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    const b = p.fitIntercept ? (x[d] as number) : 0;
    let loss = 0;
    let gb = 0;
    for (let i = 0; i < X.rows; i++) {
      const start = indptr[i] as number;
      const end = indptr[i + 1] as number;
      let z = b;
      for (let k = start; k < end; k++) z += (values[k] as number) * (x[indices[k] as number] as number);
      const yi = y[i] as number;
      const s = (sw[i] as number) / totalWeight;
      loss += s * (softplus(z) - yi * z);
      const r = s * (1 / (1 + Math.exp(-z)) - yi);
      gb += r;
      for (let k = start; k < end; k++) {
        const j = indices[k] as number;
        grad[j] = (grad[j] as number) + r * (values[k] as number);
      }
    }
    if (p.fitIntercept) grad[d] = gb;
    return loss + penalty(x, grad, d, p);
  };
}

/** Scores of one row for every class into `z`; returns their log-sum-exp. */
function rowScores(p: Problem, x: Float64Array, classes: number, i: number, z: Float64Array): number {
  const { indptr, indices, values, cols } = p.X;
  const start = indptr[i] as number;
  const end = indptr[i + 1] as number;
  let top = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    let zc = p.fitIntercept ? (x[classes * cols + c] as number) : 0;
    const base = c * cols;
    for (let k = start; k < end; k++)
      zc += (values[k] as number) * (x[base + (indices[k] as number)] as number);
    z[c] = zc;
    if (zc > top) top = zc;
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp((z[c] as number) - top);
  return top + Math.log(sum);
}

/** Adds row i's share of the softmax gradient, weighted by s, to `grad`. */
function addRowGradient(
  p: Problem,
  grad: Float64Array,
  classes: number,
  i: number,
  z: Float64Array,
  logSum: number,
  s: number,
): void {
  const { indptr, indices, values, cols } = p.X;
  const start = indptr[i] as number;
  const end = indptr[i + 1] as number;
  const yi = p.y[i] as number;
  for (let c = 0; c < classes; c++) {
    const r = s * (Math.exp((z[c] as number) - logSum) - (c === yi ? 1 : 0));
    if (p.fitIntercept) grad[classes * cols + c] = (grad[classes * cols + c] as number) + r;
    const base = c * cols;
    for (let k = start; k < end; k++) {
      const j = base + (indices[k] as number);
      grad[j] = (grad[j] as number) + r * (values[k] as number);
    }
  }
}

function multinomialObjective(p: Problem, classes: number) {
  const z = new Float64Array(classes);
  return (x: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < p.X.rows; i++) {
      const logSum = rowScores(p, x, classes, i, z);
      const s = (p.sw[i] as number) / p.totalWeight;
      loss += s * (logSum - (z[p.y[i] as number] as number));
      addRowGradient(p, grad, classes, i, z, logSum, s);
    }
    return loss + penalty(x, grad, classes * p.X.cols, p);
  };
}

/** Fits the model; `sampleWeight` multiplies the class weights (used by NB-weighted variants). */
export function fitLogistic(
  params: LogisticParams,
  X: CsrMatrix,
  y: Targets,
  owner = "LogisticRegression",
): LogisticFit {
  const classes = checkTrainingData(X, y, owner);
  const sw = classWeights(y, classes, params.classWeight);
  let totalWeight = 0;
  for (const w of sw) totalWeight += w;
  const problem: Problem = { X, y, sw, totalWeight, C: params.C, fitIntercept: params.fitIntercept };
  const sigmoidModel = classes === 2 && params.multiClass === "auto";
  const rowsOfCoef = sigmoidModel ? 1 : classes;
  const objective = sigmoidModel ? binaryObjective(problem) : multinomialObjective(problem, classes);
  const n = rowsOfCoef * X.cols + (params.fitIntercept ? rowsOfCoef : 0);
  const result = minimizeLbfgs(objective, new Float64Array(n), { tol: params.tol, maxIter: params.maxIter });
  const coef = result.x.slice(0, rowsOfCoef * X.cols);
  const intercept = params.fitIntercept ? result.x.slice(rowsOfCoef * X.cols) : new Float64Array(rowsOfCoef);
  return { coef, intercept, classes, iterations: result.iterations, converged: result.stop === "gradient" };
}

/** Probabilities rows × classes from a fit. */
export function logisticProba(fit: LogisticFit, X: CsrMatrix): Float64Array {
  if (fit.intercept.length === 1) return twoColumn(linearScores(X, fit.coef, fit.intercept[0] as number));
  const k = fit.classes;
  const scores: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    scores.push(linearScores(X, fit.coef.subarray(c * X.cols, (c + 1) * X.cols), fit.intercept[c] as number));
  }
  const out = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) {
    let top = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) top = Math.max(top, (scores[c] as Float64Array)[i] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(((scores[c] as Float64Array)[i] as number) - top);
    for (let c = 0; c < k; c++)
      out[i * k + c] = Math.exp(((scores[c] as Float64Array)[i] as number) - top) / sum;
  }
  return out;
}

/** Binary log-odds of class 1 as one linear function (softmax with two classes: w₁ − w₀). */
export function logisticBinaryLinear(fit: LogisticFit, cols: number): BinaryLinear {
  if (fit.intercept.length === 1) return { coef: fit.coef, intercept: fit.intercept[0] as number };
  if (fit.classes !== 2) notFitted("a binary view of a multi-class LogisticRegression", "binaryLinear");
  const coef = new Float64Array(cols);
  for (let j = 0; j < cols; j++) coef[j] = (fit.coef[cols + j] as number) - (fit.coef[j] as number);
  return { coef, intercept: (fit.intercept[1] as number) - (fit.intercept[0] as number) };
}

export class LogisticRegression implements Estimator {
  readonly params: LogisticParams;
  private state: { fit: LogisticFit; cols: number } | null = null;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = validateParams("LogisticRegression", logisticSchema, params);
  }

  get spec(): ClassifierSpec {
    return { kind: "logistic", params: paramsToJson(this.params) };
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  /** Learnt weights (scikit-learn's `coef_`), classes' × cols. */
  get coef(): Float64Array {
    return this.state?.fit.coef ?? notFitted("LogisticRegression", "coef");
  }

  get intercept(): Float64Array {
    return this.state?.fit.intercept ?? notFitted("LogisticRegression", "intercept");
  }

  get converged(): boolean {
    return this.state?.fit.converged ?? notFitted("LogisticRegression", "converged");
  }

  fit(X: CsrMatrix, y: Targets): LogisticRegression {
    this.state = { fit: fitLogistic(this.params, X, y), cols: X.cols };
    return this;
  }

  predictProbaAll(X: CsrMatrix): Float64Array {
    const state = this.state ?? notFitted("LogisticRegression", "predictProbaAll");
    checkColumns(X, state.cols, "LogisticRegression");
    return logisticProba(state.fit, X);
  }

  binaryLinear(): BinaryLinear {
    const state = this.state ?? notFitted("LogisticRegression", "binaryLinear");
    return logisticBinaryLinear(state.fit, state.cols);
  }
}
