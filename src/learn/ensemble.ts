/**
 * An ensemble of complementary linear estimators fitted on the same features, combined by a
 * weighted mean of their log-odds: score = Σ_m a_m·(w_m·x + b_m) / Σ a_m. Because every member
 * is linear, the ensemble is one linear model with weight Σ a_m·w_m / Σ a_m — so predicting costs
 * one dot product and an explanation's contribution of feature j is exactly the weighted mean of
 * the members' contributions of j.
 */
import { siftError } from "../errors.ts";
import { type ParamsOf, paramsToJson, validateParams } from "../text/index.ts";
import {
  type BinaryLinear,
  checkColumns,
  type Estimator,
  linearScores,
  notFitted,
  twoColumn,
} from "./estimator.ts";
import type { ClassifierSpec, CsrMatrix, Targets } from "./types.ts";

export const ensembleSchema = {
  /** Member weights in the order of the part names, sorted; empty means equal weights. */
  weights: { type: "numbers", default: [], min: 0 },
} as const;

export type EnsembleParams = ParamsOf<typeof ensembleSchema>;

export class LinearEnsemble implements Estimator {
  readonly params: EnsembleParams;
  private readonly names: readonly string[];
  private readonly members: readonly Estimator[];
  private state: BinaryLinear | null = null;

  constructor(
    params: Readonly<Record<string, unknown>>,
    names: readonly string[],
    members: readonly Estimator[],
  ) {
    const p = validateParams("LinearEnsemble", ensembleSchema, params);
    if (members.length === 0)
      throw siftError("PARAM_INVALID", "parts", "LinearEnsemble", "{}", "needs at least one member");
    if (p.weights.length !== 0 && p.weights.length !== members.length) {
      throw siftError(
        "PARAM_INVALID",
        "weights",
        "LinearEnsemble",
        JSON.stringify(p.weights),
        `needs one weight per member (${members.length})`,
      );
    }
    if (p.weights.length !== 0 && !p.weights.some((w) => w > 0)) {
      throw siftError(
        "PARAM_INVALID",
        "weights",
        "LinearEnsemble",
        JSON.stringify(p.weights),
        "needs a positive weight",
      );
    }
    this.params = p;
    this.names = names;
    this.members = members;
  }

  get spec(): ClassifierSpec {
    const parts: Record<string, ClassifierSpec> = {};
    this.names.forEach((name, i) => {
      parts[name] = (this.members[i] as Estimator).spec;
    });
    return { kind: "ensemble", params: paramsToJson(this.params), parts };
  }

  get fitted(): boolean {
    return this.state !== null;
  }

  fit(X: CsrMatrix, y: Targets): LinearEnsemble {
    const weights = this.params.weights.length > 0 ? this.params.weights : this.members.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const coef = new Float64Array(X.cols);
    let intercept = 0;
    this.members.forEach((member, m) => {
      const a = (weights[m] as number) / total;
      if (a === 0) return;
      const linear = member.fit(X, y).binaryLinear();
      for (let j = 0; j < X.cols; j++) coef[j] = (coef[j] as number) + a * (linear.coef[j] as number);
      intercept += a * linear.intercept;
    });
    this.state = { coef, intercept };
    return this;
  }

  predictProbaAll(X: CsrMatrix): Float64Array {
    const state = this.state ?? notFitted("LinearEnsemble", "predictProbaAll");
    checkColumns(X, state.coef.length, "LinearEnsemble");
    return twoColumn(linearScores(X, state.coef, state.intercept));
  }

  binaryLinear(): BinaryLinear {
    return this.state ?? notFitted("LinearEnsemble", "binaryLinear");
  }
}
