/**
 * Estimators by spec kind. Adding a kind here makes it available to `fitClassifier` and to the
 * conformance suite.
 */
import { siftError } from "../errors.ts";
import type { Estimator } from "./estimator.ts";
import { LogisticRegression } from "./logistic.ts";
import type { ClassifierSpec } from "./types.ts";

export const ESTIMATOR_KINDS = ["logistic"] as const;

export function createEstimator(spec: ClassifierSpec): Estimator {
  switch (spec.kind) {
    case "logistic":
      return new LogisticRegression(spec.params);
    default:
      throw siftError(
        "PARAM_INVALID",
        "kind",
        "estimator",
        JSON.stringify(spec.kind),
        `must be one of ${ESTIMATOR_KINDS.map((k) => JSON.stringify(k)).join(", ")}`,
      );
  }
}
