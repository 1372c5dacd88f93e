/**
 * Multinomial and complement naive Bayes (scikit-learn's MultinomialNB / ComplementNB) on
 * non-negative features (counts or TF-IDF). Both are linear in the features: the log-odds of
 * class 1 is Σ x_j·(log θ₁ⱼ − log θ₀ⱼ) + prior term, so they reduce to a BinaryLinear.
 * Complement NB estimates each class from the *other* classes' counts (Rennie et al. 2003),
 * which is steadier on imbalanced data; sklearn adds no prior to it when there are ≥ 2 classes.
 */
import { siftError } from "../errors.ts";
import { type ParamsOf, paramsToJson, validateParams } from "../text/index.ts";
import {
  type BinaryLinear,
  checkColumns,
  checkTrainingData,
  type Estimator,
  linearScores,
  notFitted,
} from "./estimator.ts";
import type { ClassifierSpec, CsrMatrix, Targets } from "./types.ts";

export const naiveBayesSchema = {
  alpha: { type: "number", default: 1, min: 0, exclusiveMin: true },
  fitPrior: { type: "boolean", default: true },
} as const;

export const complementNbSchema = {
  alpha: { type: "number", default: 1, min: 0, exclusiveMin: true },
  /** Second normalisation of the weights (Rennie et al.'s "weight normalisation"). */
  norm: { type: "boolean", default: false },
} as const;

export type NaiveBayesParams = ParamsOf<typeof naiveBayesSchema>;
export type ComplementNbParams = ParamsOf<typeof complementNbSchema>;

interface NbFit {
  /** classes × cols log-weights, row-major. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly classes: number;
  readonly cols: number;
}

/** Σ of feature values per class (classes × cols), rejecting negative values. */
export function featureCounts(X: CsrMatrix, y: Targets, classes: number, owner: string): Float64Array {
  const counts = new Float64Array(classes * X.cols);
  for (let i = 0; i < X.rows; i++) {
    const base = (y[i] as number) * X.cols;
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      const v = X.values[k] as number;
      if (v < 0) throw siftError("TRAINING_DATA_INVALID", `${owner} needs non-negative features, got ${v}`);
      const j = base + (X.indices[k] as number);
      counts[j] = (counts[j] as number) + v;
    }
  }
  return counts;
}

/** log of each row of `m` (rows × cols) normalised to sum 1. */
function logNormalisedRows(m: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(m.length);
  for (let c = 0; c < rows; c++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += m[c * cols + j] as number;
    const logSum = Math.log(sum);
    for (let j = 0; j < cols; j++) out[c * cols + j] = Math.log(m[c * cols + j] as number) - logSum;
  }
  return out;
}

function classLogPrior(y: Targets, classes: number, fitPrior: boolean): Float64Array {
  const prior = new Float64Array(classes).fill(-Math.log(classes));
  if (!fitPrior) return prior;
  const n = new Float64Array(classes);
  for (const label of y) n[label] = (n[label] as number) + 1;
  for (let c = 0; c < classes; c++) prior[c] = Math.log((n[c] as number) / y.length);
  return prior;
}

function fitMultinomial(p: NaiveBayesParams, X: CsrMatrix, y: Targets): NbFit {
  const classes = checkTrainingData(X, y, "MultinomialNB");
  const counts = featureCounts(X, y, classes, "MultinomialNB");
  for (let j = 0; j < counts.length; j++) counts[j] = (counts[j] as number) + p.alpha;
  return {
    weights: logNormalisedRows(counts, classes, X.cols),
    bias: classLogPrior(y, classes, p.fitPrior),
    classes,
    cols: X.cols,
  };
}

function fitComplement(p: ComplementNbParams, X: CsrMatrix, y: Targets): NbFit {
  const classes = checkTrainingData(X, y, "ComplementNB");
  const counts = featureCounts(X, y, classes, "ComplementNB");
  const cols = X.cols;
  const complement = new Float64Array(classes * cols);
  for (let j = 0; j < cols; j++) {
    let total = 0;
    for (let c = 0; c < classes; c++) total += counts[c * cols + j] as number;
    for (let c = 0; c < classes; c++)
      complement[c * cols + j] = p.alpha + total - (counts[c * cols + j] as number);
  }
  const logged = logNormalisedRows(complement, classes, cols);
  const weights = new Float64Array(logged.length);
  for (let c = 0; c < classes; c++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += logged[c * cols + j] as number;
    // Without norm the weight is −log θ̃; with norm it is log θ̃ / Σ log θ̃ (both positive-is-likely).
    for (let j = 0; j < cols; j++)
      weights[c * cols + j] = p.norm
        ? (logged[c * cols + j] as number) / sum
        : -(logged[c * cols + j] as number);
  }
  return { weights, bias: new Float64Array(classes), classes, cols };
}

function nbProba(fit: NbFit, X: CsrMatrix): Float64Array {
  const k = fit.classes;
  const jll: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    jll.push(linearScores(X, fit.weights.subarray(c * fit.cols, (c + 1) * fit.cols), fit.bias[c] as number));
  }
  const out = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) {
    let top = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) top = Math.max(top, (jll[c] as Float64Array)[i] as number);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(((jll[c] as Float64Array)[i] as number) - top);
    for (let c = 0; c < k; c++)
      out[i * k + c] = Math.exp(((jll[c] as Float64Array)[i] as number) - top) / sum;
  }
  return out;
}

function nbBinary(fit: NbFit, name: string): BinaryLinear {
  if (fit.classes !== 2)
    throw siftError("TRAINING_DATA_INVALID", `${name} has ${fit.classes} classes, not 2`);
  const coef = new Float64Array(fit.cols);
  for (let j = 0; j < fit.cols; j++)
    coef[j] = (fit.weights[fit.cols + j] as number) - (fit.weights[j] as number);
  return { coef, intercept: (fit.bias[1] as number) - (fit.bias[0] as number) };
}

abstract class NaiveBayesBase implements Estimator {
  protected state: NbFit | null = null;
  protected abstract readonly name: string;
  abstract readonly spec: ClassifierSpec;
  abstract fit(X: CsrMatrix, y: Targets): Estimator;

  get fitted(): boolean {
    return this.state !== null;
  }

  /** Per-class log-weights (sklearn's `feature_log_prob_` for MultinomialNB), classes × cols. */
  get featureLogProb(): Float64Array {
    return this.state?.weights ?? notFitted(this.name, "featureLogProb");
  }

  predictProbaAll(X: CsrMatrix): Float64Array {
    const state = this.state ?? notFitted(this.name, "predictProbaAll");
    checkColumns(X, state.cols, this.name);
    return nbProba(state, X);
  }

  binaryLinear(): BinaryLinear {
    return nbBinary(this.state ?? notFitted(this.name, "binaryLinear"), this.name);
  }
}

export class MultinomialNB extends NaiveBayesBase {
  readonly params: NaiveBayesParams;
  protected readonly name = "MultinomialNB";

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    super();
    this.params = validateParams("MultinomialNB", naiveBayesSchema, params);
  }

  get spec(): ClassifierSpec {
    return { kind: "multinomial-nb", params: paramsToJson(this.params) };
  }

  fit(X: CsrMatrix, y: Targets): MultinomialNB {
    this.state = fitMultinomial(this.params, X, y);
    return this;
  }
}

export class ComplementNB extends NaiveBayesBase {
  readonly params: ComplementNbParams;
  protected readonly name = "ComplementNB";

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    super();
    this.params = validateParams("ComplementNB", complementNbSchema, params);
  }

  get spec(): ClassifierSpec {
    return { kind: "complement-nb", params: paramsToJson(this.params) };
  }

  fit(X: CsrMatrix, y: Targets): ComplementNB {
    this.state = fitComplement(this.params, X, y);
    return this;
  }
}
