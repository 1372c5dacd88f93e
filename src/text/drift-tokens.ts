/**
 * What training and monitoring must agree on for drift: how a sentence becomes word tokens, the
 * bins of its length and of the model's score, and the shape of the training-time reference the
 * pipeline stores in `manifest.reference` and the monitor reads back. The pipeline and the monitor
 * may not import each other; both import this.
 *
 * The tokenisation is deliberately small and fixed (lower-cased letter/digit runs), independent of
 * any model's featuriser: drift compares serving traffic with training data, whatever the model.
 */

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu;

/** Lower-cased `[\p{L}\p{N}][\p{L}\p{N}'_-]*` runs. */
export function driftTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Score histogram edges: ten equal bins on [0, 1]. */
export const DRIFT_SCORE_EDGES: readonly number[] = Object.freeze(
  Array.from({ length: 11 }, (_, i) => i / 10),
);

/** Sentence-length histogram edges, in drift tokens. */
export const DRIFT_LENGTH_EDGES: readonly number[] = Object.freeze([
  0, 3, 6, 9, 12, 15, 18, 21, 25, 30, 40, 1000,
]);

export interface DriftHistogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/** `manifest.reference` as the pipeline writes it. */
export interface StoredDriftReference {
  /** Test-split scores on DRIFT_SCORE_EDGES. */
  readonly score: DriftHistogram;
  /** Test-split sentence lengths (drift tokens) on DRIFT_LENGTH_EDGES. */
  readonly length: DriftHistogram;
  /** Most frequent tokens of the training split, with their counts, most frequent first. */
  readonly vocabulary: ReadonlyArray<readonly [string, number]>;
  /** Share of training tokens not in `vocabulary`. */
  readonly oovRate: number;
  /** Label counts of the training split. */
  readonly labelMix: Readonly<Record<string, number>>;
  /** How many rows each part was computed from. */
  readonly rows: { readonly scores: number; readonly vocabulary: number };
}
