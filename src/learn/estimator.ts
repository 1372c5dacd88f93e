/**
 * What every estimator of sift shares (scikit-learn's habit): the constructor only validates and
 * stores parameters; `fit` learns and returns the estimator, now fitted; using it before `fit`
 * throws MODEL_NOT_FITTED. All of sift's estimators are linear in the features, so a fitted
 * binary estimator reduces to one weight vector and a bias in log-odds space — which is what the
 * text classifier keeps, serves and explains.
 */
import { siftError } from "../errors.ts";
import type { ClassifierSpec, CsrMatrix, Targets } from "./types.ts";

/** Decision score = intercept + Σ coef[j]·x[j], in log-odds of the positive class. */
export interface BinaryLinear {
  readonly coef: Float64Array;
  readonly intercept: number;
}

export interface Estimator {
  readonly spec: ClassifierSpec;
  readonly fitted: boolean;
  fit(X: CsrMatrix, y: Targets): Estimator;
  /** Rows × classes, row-major: P(class k | row i). */
  predictProbaAll(X: CsrMatrix): Float64Array;
  /** Binary problems: the log-odds of class 1 as one linear function. */
  binaryLinear(): BinaryLinear;
}

export function notFitted(name: string, what: string): never {
  throw siftError("MODEL_NOT_FITTED", name, what);
}

/** Number of classes in `y` (labels 0..K-1), after checking shapes and that each class occurs. */
export function checkTrainingData(X: CsrMatrix, y: Targets, owner: string): number {
  if (X.rows !== y.length) {
    throw siftError("TRAINING_DATA_INVALID", `${owner}: ${X.rows} rows but ${y.length} targets`);
  }
  if (X.rows === 0) throw siftError("TRAINING_DATA_INVALID", `${owner}: no rows to fit`);
  let k = 0;
  for (const label of y) if (label + 1 > k) k = label + 1;
  const seen = new Uint8Array(k);
  for (const label of y) seen[label] = 1;
  if (k < 2 || seen.includes(0)) {
    throw siftError(
      "DATA_ONE_CLASS",
      k < 2 ? `only label ${k - 1}` : `a label between 0 and ${k - 1} never occurs`,
    );
  }
  return k;
}

export function checkColumns(X: CsrMatrix, cols: number, owner: string): void {
  if (X.cols !== cols) {
    throw siftError("TRAINING_DATA_INVALID", `${owner} was fitted on ${cols} columns, got ${X.cols}`);
  }
}

/** Per-row dot products with a dense vector, plus a bias. */
export function linearScores(X: CsrMatrix, coef: Float64Array, intercept: number): Float64Array {
  const out = new Float64Array(X.rows);
  const { indptr, indices, values } = X;
  for (let i = 0; i < X.rows; i++) {
    let z = intercept;
    const end = indptr[i + 1] as number;
    for (let k = indptr[i] as number; k < end; k++)
      z += (values[k] as number) * (coef[indices[k] as number] as number);
    out[i] = z;
  }
  return out;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Binary probabilities as the rows × 2 layout of predictProbaAll. */
export function twoColumn(scores: Float64Array): Float64Array {
  const out = new Float64Array(scores.length * 2);
  for (let i = 0; i < scores.length; i++) {
    const p = sigmoid(scores[i] as number);
    out[2 * i] = 1 - p;
    out[2 * i + 1] = p;
  }
  return out;
}

/** Sample weights for class weighting: "balanced" gives n / (K · n_k), as scikit-learn does. */
export function classWeights(y: Targets, k: number, mode: "none" | "balanced"): Float64Array {
  const weights = new Float64Array(y.length).fill(1);
  if (mode === "none") return weights;
  const counts = new Float64Array(k);
  for (const label of y) counts[label] = (counts[label] as number) + 1;
  for (let i = 0; i < y.length; i++) weights[i] = y.length / (k * (counts[y[i] as number] as number));
  return weights;
}
