/**
 * The text classifier sift fits, saves, loads and serves: normaliser → featuriser → a linear
 * scorer in log-odds space. Every estimator kind (logistic regression, naive Bayes, NB-weighted
 * LR, ensembles of them) reduces to one weight vector over the featuriser's columns once fitted,
 * so predicting is one sparse dot product and explanations are exact: score = bias + Σ weight·x.
 * Dense word-vector columns are explained per word (their contributions split exactly by word).
 */
import { siftError } from "../errors.ts";
import {
  bytesToF64,
  type ComponentSpec,
  createFeaturiser,
  type Featuriser,
  f64ToBytes,
  loadFeaturiser,
  Normaliser,
  paramsToJson,
  RowBuffer,
  requireFile,
} from "../text/index.ts";
import type { BinaryLinear, Estimator } from "./estimator.ts";
import { sigmoid } from "./estimator.ts";
import { createEstimator } from "./estimators.ts";
import type {
  ClassifierSpec,
  CsrMatrix,
  Explanation,
  FeatureContribution,
  FitOptions,
  SavedClassifier,
  Targets,
  TextClassifier,
} from "./types.ts";

export const TEXT_LINEAR = "text-linear";

interface Parts {
  readonly normaliser: ComponentSpec;
  readonly features: ComponentSpec;
  readonly estimator: ClassifierSpec;
}

function partsOf(spec: ClassifierSpec, onMissing: "PARAM_INVALID" | "MODEL_SPEC_INVALID"): Parts {
  const parts = spec.parts ?? {};
  const normaliser = parts.normaliser ?? { kind: "normaliser", params: {} };
  const { features, estimator } = parts;
  if (features === undefined || estimator === undefined) {
    const missing = features === undefined ? "features" : "estimator";
    if (onMissing === "MODEL_SPEC_INVALID") throw siftError(onMissing, `${spec.kind} has no part ${missing}`);
    throw siftError(
      "PARAM_INVALID",
      "parts",
      spec.kind,
      JSON.stringify(Object.keys(parts)),
      `needs a ${missing} part`,
    );
  }
  return { normaliser, features, estimator };
}

/**
 * A block's per-word shares, with the float rounding between them (computed in float64 from the
 * word vectors) and the block's stored float32 columns folded into the largest share, so the
 * explanation adds up to the score exactly.
 */
function withTotal(items: readonly FeatureContribution[], total: number): FeatureContribution[] {
  const out = items.filter((f) => f.contribution !== 0).map((f) => ({ ...f }));
  if (out.length === 0) return out;
  let largest = 0;
  let sum = 0;
  out.forEach((f, i) => {
    sum += f.contribution;
    if (Math.abs(f.contribution) > Math.abs((out[largest] as FeatureContribution).contribution)) largest = i;
  });
  const top = out[largest] as FeatureContribution;
  out[largest] = { feature: top.feature, contribution: top.contribution + (total - sum) };
  return out;
}

class LinearTextClassifier implements TextClassifier {
  readonly spec: ClassifierSpec;
  private readonly normaliser: Normaliser;
  private readonly featuriser: Featuriser;
  private readonly linear: BinaryLinear;
  private readonly row = new RowBuffer();

  constructor(spec: ClassifierSpec, normaliser: Normaliser, featuriser: Featuriser, linear: BinaryLinear) {
    this.spec = spec;
    this.normaliser = normaliser;
    this.featuriser = featuriser;
    this.linear = linear;
  }

  /** Fills the row buffer with the features of `text`. */
  private featurise(text: string): RowBuffer {
    const row = this.row;
    row.clear();
    this.featuriser.addRow(this.normaliser.normalise(typeof text === "string" ? text : ""), row, 0);
    return row;
  }

  /** intercept + Σ weight·x, added in row order without building the row (see accumulateDot). */
  private score(text: string): number {
    const clean = this.normaliser.normalise(typeof text === "string" ? text : "");
    return this.featuriser.accumulateDot(clean, this.linear.coef, 0, this.linear.intercept);
  }

  predictProba(texts: readonly string[]): Float64Array {
    const out = new Float64Array(texts.length);
    for (let i = 0; i < texts.length; i++) out[i] = sigmoid(this.score(texts[i] as string));
    return out;
  }

  /** Log-odds per text (the scores thresholds and AUC are computed on, without sigmoid rounding). */
  decisionFunction(texts: readonly string[]): Float64Array {
    const out = new Float64Array(texts.length);
    for (let i = 0; i < texts.length; i++) out[i] = this.score(texts[i] as string);
    return out;
  }

  /**
   * Exact for the linear part: score = bias + Σ weight·x over every column. Dense blocks (the
   * word-vector columns) are reported per word rather than per dimension: word w's share is
   * (u·e_w)/‖Σe‖ for block weights u, and the shares add up to the block's contribution.
   */
  explain(text: string, top = 10): Explanation {
    const clean = this.normaliser.normalise(typeof text === "string" ? text : "");
    const row = this.featurise(text);
    const { coef, intercept } = this.linear;
    const blocks = this.featuriser.explainBlocks(clean, coef, 0);
    const blockTotals = new Float64Array(blocks.length);
    const features: FeatureContribution[] = [];
    let score = intercept;
    for (let k = 0; k < row.length; k++) {
      const col = row.indices[k] as number;
      const contribution = (row.values[k] as number) * (coef[col] as number);
      score += contribution;
      const block = blocks.findIndex((b) => col >= b.from && col < b.to);
      if (block >= 0) blockTotals[block] = (blockTotals[block] as number) + contribution;
      else if (contribution !== 0) features.push({ feature: this.featuriser.featureName(col), contribution });
    }
    blocks.forEach((b, i) => {
      features.push(...withTotal(b.items, blockTotals[i] as number));
    });
    features.sort(
      (a, b) =>
        Math.abs(b.contribution) - Math.abs(a.contribution) ||
        (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
    );
    return { score, bias: intercept, features: features.slice(0, Math.max(0, Math.floor(top))) };
  }

  save(): SavedClassifier {
    return {
      spec: this.spec,
      files: {
        ...this.featuriser.save("features."),
        "linear.coef.f64": f64ToBytes(this.linear.coef),
        "linear.intercept.f64": f64ToBytes(Float64Array.of(this.linear.intercept)),
      },
    };
  }
}

/**
 * A `text-linear` spec's normaliser and featuriser fitted on some texts, with their feature matrix:
 * what every candidate of a search that varies only the estimator shares on one CV fold.
 */
export interface FeaturisedTexts {
  readonly params: ClassifierSpec["params"];
  readonly normaliser: Normaliser;
  readonly featuriser: Featuriser;
  readonly X: CsrMatrix;
}

/** Called with each estimator a spec creates: model selection uses it to fit shared members once. */
export type EstimatorWrap = (spec: ClassifierSpec, estimator: Estimator) => Estimator;

export function featuriseTexts(
  spec: ClassifierSpec,
  texts: readonly string[],
  progress: (fraction: number, phase: string) => void = () => {},
): FeaturisedTexts {
  const parts = partsOf(spec, "PARAM_INVALID");
  const normaliser = new Normaliser(parts.normaliser.params);
  const featuriser = createFeaturiser(parts.features);
  progress(0, "normalise");
  const clean = texts.map((t) => normaliser.normalise(typeof t === "string" ? t : ""));
  progress(0.05, "featurise");
  featuriser.fit(clean);
  return { params: spec.params, normaliser, featuriser, X: featuriser.transform(clean) };
}

/** Fits the estimator of `estimatorSpec` on already featurised texts. */
export function fitOnFeatures(
  featurised: FeaturisedTexts,
  estimatorSpec: ClassifierSpec,
  y: Targets,
  wrap?: EstimatorWrap,
): TextClassifier {
  const { normaliser, featuriser, X } = featurised;
  const estimator = createEstimator(estimatorSpec, wrap);
  if (X.rows !== y.length) {
    throw siftError("TRAINING_DATA_INVALID", `${X.rows} texts but ${y.length} targets`);
  }
  estimator.fit(X, y);
  const fittedSpec: ClassifierSpec = {
    kind: TEXT_LINEAR,
    params: paramsToJson(featurised.params),
    parts: {
      normaliser: { kind: "normaliser", params: paramsToJson(normaliser.params) },
      features: featuriser.spec,
      estimator: estimator.spec,
    },
  };
  return new LinearTextClassifier(fittedSpec, normaliser, featuriser, estimator.binaryLinear());
}

/** Fits normaliser + featuriser + estimator described by a `text-linear` spec. */
export function fitTextLinear(
  spec: ClassifierSpec,
  texts: readonly string[],
  y: Targets,
  options: FitOptions = {},
): TextClassifier {
  const parts = partsOf(spec, "PARAM_INVALID");
  // Parameters are checked before the (slow) featurising, as they were when this was one function.
  new Normaliser(parts.normaliser.params);
  createFeaturiser(parts.features);
  createEstimator(parts.estimator);
  if (texts.length !== y.length) {
    throw siftError("TRAINING_DATA_INVALID", `${texts.length} texts but ${y.length} targets`);
  }
  const progress = options.onProgress ?? (() => {});
  const featurised = featuriseTexts(spec, texts, progress);
  progress(0.3, "fit");
  const model = fitOnFeatures(featurised, parts.estimator, y);
  progress(1, "done");
  return model;
}

export function loadTextLinear(saved: SavedClassifier): TextClassifier {
  const parts = partsOf(saved.spec, "MODEL_SPEC_INVALID");
  const normaliser = new Normaliser(parts.normaliser.params);
  const featuriser = loadFeaturiser(parts.features, saved.files, "features.");
  const coef = bytesToF64(requireFile(saved.files, "linear.coef.f64"), "linear.coef.f64");
  const intercept = bytesToF64(requireFile(saved.files, "linear.intercept.f64"), "linear.intercept.f64");
  if (coef.length !== featuriser.cols || intercept.length !== 1) {
    throw siftError(
      "MODEL_SPEC_INVALID",
      `linear.coef.f64 has ${coef.length} weights for ${featuriser.cols} features`,
    );
  }
  return new LinearTextClassifier(saved.spec, normaliser, featuriser, {
    coef,
    intercept: intercept[0] as number,
  });
}
