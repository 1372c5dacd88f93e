/**
 * The learning core's contract. A `TextClassifier` is the unit sift fits, saves, loads and serves:
 * a featuriser plus an estimator (or an ensemble of them) mapping sentences to P(positive).
 */

/** Binary target vector: 1 = the positive label ("Relevant"), 0 = the rest. */
export type Targets = Uint8Array;

/** Compressed sparse rows. Row i's entries are indices/values[indptr[i] .. indptr[i+1]). */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** JSON description of a classifier: kind plus hyper-parameters. Saved in the artifact manifest. */
export interface ClassifierSpec {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Sub-specs for composites (featuriser, estimator, ensemble members). */
  readonly parts?: Readonly<Record<string, ClassifierSpec>>;
}

/** What `save` returns: with `spec`, the files rebuild the classifier bit for bit. */
export interface SavedClassifier {
  readonly spec: ClassifierSpec;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

export interface FeatureContribution {
  /** Human-readable feature, e.g. `word:fire`, `char: fir`. */
  readonly feature: string;
  /** Contribution to the decision score (log-odds); positive pushes towards the positive label. */
  readonly contribution: number;
}

export interface Explanation {
  /** Decision score in log-odds space; P = sigmoid(score). */
  readonly score: number;
  readonly bias: number;
  /** Largest |contribution| first. */
  readonly features: readonly FeatureContribution[];
}

export interface TextClassifier {
  readonly spec: ClassifierSpec;
  /** P(positive) per text. Synchronous and pure: the serving hot path calls it. */
  predictProba(texts: readonly string[]): Float64Array;
  explain(text: string, top?: number): Explanation;
  save(): SavedClassifier;
}

/** A classifier that can keep learning from new labelled rows (SGD-based). */
export interface OnlineTextClassifier extends TextClassifier {
  partialFit(texts: readonly string[], y: Targets): void;
}

export interface FitOptions {
  readonly seed?: number;
  /** Called with fraction done in [0, 1] and a short phase name. */
  readonly onProgress?: (fraction: number, phase: string) => void;
}
