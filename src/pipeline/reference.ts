/**
 * The drift reference saved in `manifest.reference`: what held-out data looked like at training
 * time, so monitoring can later compute PSI on scores and sentence lengths, the out-of-vocabulary
 * rise and the label-mix shift. Its shape and its tokenisation (lower-cased word tokens, lengths
 * counted in tokens) match what the monitor reads; the pipeline may not import the monitor, so
 * the few lines are repeated here and pinned by a test against the same numbers.
 */

export interface HistogramData {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

export interface DriftReferenceData {
  readonly score: HistogramData;
  readonly length: HistogramData;
  /** Most frequent tokens of the training split, with their counts, most frequent first. */
  readonly vocabulary: ReadonlyArray<readonly [string, number]>;
  /** Share of training tokens not in `vocabulary`. */
  readonly oovRate: number;
  /** Label counts of the training split. */
  readonly labelMix: Readonly<Record<string, number>>;
  /** How many rows each part was computed from. */
  readonly rows: { readonly scores: number; readonly vocabulary: number };
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu;
const SCORE_EDGES = Array.from({ length: 11 }, (_, i) => i / 10);
const LENGTH_EDGES = [0, 3, 6, 9, 12, 15, 18, 21, 25, 30, 40, 1000];

export function referenceTokens(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export interface ReferenceInput {
  /** Training rows: vocabulary and label mix. */
  readonly trainTexts: readonly string[];
  readonly trainLabels: readonly string[];
  /** Test rows and the model's scores on them: score and length histograms. */
  readonly testTexts: readonly string[];
  readonly testScores: ArrayLike<number>;
  readonly vocabularySize: number;
}

export function buildDriftReference(input: ReferenceInput): DriftReferenceData {
  const counts = new Map<string, number>();
  for (const text of input.trainTexts) {
    for (const token of referenceTokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  // Ties broken by the token itself so the manifest is byte-identical run to run.
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, input.vocabularySize);
  const total = ranked.reduce((sum, [, c]) => sum + c, 0);
  const inVocabulary = kept.reduce((sum, [, c]) => sum + c, 0);
  const labelMix: Record<string, number> = {};
  for (const label of [...input.trainLabels].sort()) labelMix[label] = (labelMix[label] ?? 0) + 1;
  const lengths = input.testTexts.map((text) => referenceTokens(text).length);
  return {
    score: { edges: SCORE_EDGES, counts: histogram(Array.from(input.testScores), SCORE_EDGES) },
    length: { edges: LENGTH_EDGES, counts: histogram(lengths, LENGTH_EDGES) },
    vocabulary: kept,
    oovRate: total === 0 ? 0 : round6(1 - inVocabulary / total),
    labelMix,
    rows: { scores: input.testTexts.length, vocabulary: input.trainTexts.length },
  };
}

/** Counts per bin [edges[i], edges[i+1]); values past either end fall in the end bins. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const bins = Math.max(edges.length - 1, 1);
  const out = new Array<number>(bins).fill(0);
  for (const value of values) {
    let bin = 0;
    while (bin < bins - 1 && value >= (edges[bin + 1] ?? Number.POSITIVE_INFINITY)) bin++;
    out[bin] = (out[bin] ?? 0) + 1;
  }
  return out;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
