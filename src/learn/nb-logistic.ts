/**
 * NB-weighted logistic regression (NBSVM, Wang & Manning 2012, with a logistic loss): each
 * feature is scaled by its naive-Bayes log-count ratio r_j = log((p_j/‖p‖₁) / (q_j/‖q‖₁)), with
 * p, q the α-smoothed sums of binarised features over the positive and negative rows, then a
 * logistic regression is fitted on the scaled features. Evidence that NB finds discriminative
 * gets a head start against the L2 penalty. Predicting needs no scaling: the effective weight of
 * feature j is w_j·r_j, so the fitted model is one BinaryLinear over the original features.
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
  twoColumn,
} from "./estimator.ts";
import { fitLogistic, logisticBinaryLinear } from "./logistic.ts";
import type { ClassifierSpec, CsrMatrix, Targets } from "./types.ts";

export const nbLogisticSchema = {
  C: { type: "number", default: 1, min: 0, exclusiveMin: true },
  alpha: { type: "number", default: 1, min: 0, exclusiveMin: true },
  /** Count a feature as present (1) for the ratio, as NBSVM does, instead of summing its values. */
  binarize: { type: "boolean", default: true },
  tol: { type: "number", default: 1e-6, min: 0, exclusiveMin: true },
  maxIter: { type: "number", default: 1000, min: 1, integer: true },
  classWeight: { type: "enum", values: ["none", "balanced"], default: "balanced" },
} as const;

export type NbLogisticParams = ParamsOf<typeof nbLogisticSchema>;

/** The log-count ratio r per column. */
export function logCountRatio(X: CsrMatrix, y: Targets, alpha: number, binarize: boolean): Float64Array {
  const p = new Float64Array(X.cols).fill(alpha);
  const q = new Float64Array(X.cols).fill(alpha);
  for (let i = 0; i < X.rows; i++) {
    const side = y[i] === 1 ? p : q;
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      const j = X.indices[k] as number;
      side[j] = (side[j] as number) + (binarize ? 1 : Math.abs(X.values[k] as number));
    }
  }
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < X.cols; j++) {
    sp += p[j] as number;
    sq += q[j] as number;
  }
  const r = new Float64Array(X.cols);
  for (let j = 0; j < X.cols; j++) r[j] = Math.log((p[j] as number) / sp) - Math.log((q[j] as number) / sq);
  return r;
}

function scaleColumns(X: CsrMatrix, r: Float64Array): CsrMatrix {
  const values = new Float32Array(X.values.length);
  for (let k = 0; k < values.length; k++)
    values[k] = (X.values[k] as number) * (r[X.indices[k] as number] as number);
  return { ...X, values };
}

export class NbLogisticRegression implements Estimator {
  readonly params: NbLogisticParams;
  private state: BinaryLinear | null = null;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = validateParams("NbLogisticRegression", nbLogisticSchema, params);
  }

  get spec(): ClassifierSpec {
    return { kind: "nb-logistic", params: paramsToJson(this.params) };
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  fit(X: CsrMatrix, y: Targets): NbLogisticRegression {
    const classes = checkTrainingData(X, y, "NbLogisticRegression");
    if (classes !== 2)
      throw siftError("TRAINING_DATA_INVALID", `NbLogisticRegression is binary, got ${classes} classes`);
    const p = this.params;
    const r = logCountRatio(X, y, p.alpha, p.binarize);
    const lr = fitLogistic(
      {
        C: p.C,
        tol: p.tol,
        maxIter: p.maxIter,
        classWeight: p.classWeight,
        fitIntercept: true,
        multiClass: "auto",
      },
      scaleColumns(X, r),
      y,
      "NbLogisticRegression",
    );
    const scaled = logisticBinaryLinear(lr, X.cols);
    const coef = new Float64Array(X.cols);
    for (let j = 0; j < X.cols; j++) coef[j] = (scaled.coef[j] as number) * (r[j] as number);
    this.state = { coef, intercept: scaled.intercept };
    return this;
  }

  predictProbaAll(X: CsrMatrix): Float64Array {
    const state = this.state ?? notFitted("NbLogisticRegression", "predictProbaAll");
    checkColumns(X, state.coef.length, "NbLogisticRegression");
    return twoColumn(linearScores(X, state.coef, state.intercept));
  }

  binaryLinear(): BinaryLinear {
    return this.state ?? notFitted("NbLogisticRegression", "binaryLinear");
  }
}
