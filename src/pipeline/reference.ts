/**
 * The drift reference saved in `manifest.reference`: what held-out data looked like at training
 * time, so monitoring can later compute PSI on scores and sentence lengths, the out-of-vocabulary
 * rise and the label-mix shift. Its shape, tokeniser and bins come from src/text (drift-tokens.ts),
 * which the monitor reads them from too.
 */
import {
  DRIFT_LENGTH_EDGES,
  DRIFT_SCORE_EDGES,
  driftTokens,
  type StoredDriftReference,
} from "../text/index.ts";

export type DriftReferenceData = StoredDriftReference;

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
    for (const token of driftTokens(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  // Ties broken by the token itself so the manifest is byte-identical run to run.
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, input.vocabularySize);
  const total = ranked.reduce((sum, [, c]) => sum + c, 0);
  const inVocabulary = kept.reduce((sum, [, c]) => sum + c, 0);
  const labelMix: Record<string, number> = {};
  for (const label of [...input.trainLabels].sort()) labelMix[label] = (labelMix[label] ?? 0) + 1;
  const lengths = input.testTexts.map((text) => driftTokens(text).length);
  return {
    score: {
      edges: [...DRIFT_SCORE_EDGES],
      counts: histogram(Array.from(input.testScores), DRIFT_SCORE_EDGES),
    },
    length: { edges: [...DRIFT_LENGTH_EDGES], counts: histogram(lengths, DRIFT_LENGTH_EDGES) },
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
