/**
 * Estimators by spec kind. Adding a kind here makes it available to `fitClassifier` and to the
 * conformance suite.
 */
import { siftError } from "../errors.ts";
import { LinearEnsemble } from "./ensemble.ts";
import type { Estimator } from "./estimator.ts";
import { LogisticRegression } from "./logistic.ts";
import { ComplementNB, MultinomialNB } from "./naive-bayes.ts";
import { NbLogisticRegression } from "./nb-logistic.ts";
import type { ClassifierSpec } from "./types.ts";

export const ESTIMATOR_KINDS = [
  "logistic",
  "nb-logistic",
  "multinomial-nb",
  "complement-nb",
  "ensemble",
] as const;

/**
 * The estimator a spec describes. `wrap`, when given, receives every single estimator created (each
 * ensemble member, not the ensemble) and returns the one to use: model selection wraps them to fit
 * each distinct member once per CV fold.
 */
export function createEstimator(
  spec: ClassifierSpec,
  wrap: (spec: ClassifierSpec, estimator: Estimator) => Estimator = (_, estimator) => estimator,
): Estimator {
  if (spec.kind !== "ensemble") return wrap(spec, createLeaf(spec));
  // Members in name order, as the featuriser union does: `weights` follow this order, and a
  // spec read back from a manifest (keys sorted) must line up with the one that was fitted.
  const entries = Object.entries(spec.parts ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new LinearEnsemble(
    spec.params,
    entries.map(([name]) => name),
    entries.map(([, part]) => createEstimator(part, wrap)),
  );
}

function createLeaf(spec: ClassifierSpec): Estimator {
  switch (spec.kind) {
    case "logistic":
      return new LogisticRegression(spec.params);
    case "nb-logistic":
      return new NbLogisticRegression(spec.params);
    case "multinomial-nb":
      return new MultinomialNB(spec.params);
    case "complement-nb":
      return new ComplementNB(spec.params);
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
