/** SGDClassifier's parameters, declared as data (names and defaults follow scikit-learn's). */
import type { ParamSchema, ParamsOf } from "../text/index.ts";

export const sgdSchema = {
  /** "log_loss" (logistic regression, gives probabilities), "hinge" (linear SVM), "modified_huber". */
  loss: { type: "enum", values: ["log_loss", "hinge", "modified_huber"], default: "log_loss" },
  penalty: { type: "enum", values: ["l2", "elasticnet", "none"], default: "l2" },
  alpha: { type: "number", default: 1e-4, min: 0, exclusiveMin: true },
  /** Share of L1 in the elastic-net penalty. */
  l1Ratio: { type: "number", default: 0.15, min: 0, max: 1 },
  learningRate: {
    type: "enum",
    values: ["optimal", "constant", "invscaling", "adaptive"],
    default: "optimal",
  },
  /** Initial step for the constant, invscaling and adaptive schedules (unused by "optimal"). */
  eta0: { type: "number", default: 0.01, min: 0, exclusiveMin: true },
  powerT: { type: "number", default: 0.5, min: 0 },
  fitIntercept: { type: "boolean", default: true },
  shuffle: { type: "boolean", default: true },
  /** 0: no averaging; n ≥ 1: average the weights from the n-th update on (sklearn's True is 1). */
  average: { type: "number", default: 0, min: 0, integer: true },
  seed: { type: "number", default: 0, min: 0, max: 4294967295, integer: true },
  /** Epochs `fit` runs at most (partialFit always runs one). */
  maxIter: { type: "number", default: 1000, min: 1, integer: true },
  /** `fit` stops when an epoch's loss has not improved by tol × rows for nIterNoChange epochs. */
  tol: { type: "number", default: 1e-3, min: 0 },
  nIterNoChange: { type: "number", default: 5, min: 1, integer: true },
  /** Empty, or [weight of class 0, weight of class 1]. */
  classWeight: { type: "numbers", default: [], min: 0 },
} as const satisfies ParamSchema;

export type SgdParams = ParamsOf<typeof sgdSchema>;
