/**
 * The training-time reference drift is measured against. `buildReference` computes it from
 * held-out sentences and their scores; `parseReference` reads `manifest.reference` as the pipeline
 * writes it, accepting the few spellings a histogram or vocabulary may take, and returns null
 * (drift off for that model) when it is absent or unreadable — a model without a reference still
 * serves.
 */
// Directly from drift-tokens.ts, not text's index.ts: see tokens.ts (the writer thread's memory).
import { DRIFT_LENGTH_EDGES, DRIFT_SCORE_EDGES } from "../text/drift-tokens.ts";
import { histogram, mixOf } from "./drift.ts";
import { tokenize } from "./tokens.ts";
import type { DriftReference, Histogram } from "./types.ts";

// The bins the pipeline's stored reference uses too (src/text/drift-tokens.ts).
const LENGTH_EDGES = [...DRIFT_LENGTH_EDGES];

export interface ReferenceInput {
  readonly texts: readonly string[];
  /** P(positive) per text, from the fitted model on held-out data. */
  readonly scores: ArrayLike<number>;
  readonly labels: readonly string[];
  /** How many of the most frequent tokens make the vocabulary. Default 5 000. */
  readonly vocabularySize?: number;
}

export function buildReference(input: ReferenceInput): DriftReference {
  const tokenCounts = new Map<string, number>();
  const lengths: number[] = [];
  for (const text of input.texts) {
    const tokens = tokenize(text);
    lengths.push(tokens.length);
    for (const token of tokens) tokenCounts.set(token, (tokenCounts.get(token) ?? 0) + 1);
  }
  const ranked = [...tokenCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, input.vocabularySize ?? 5000);
  const totalTokens = ranked.reduce((s, [, c]) => s + c, 0);
  const keptTokens = kept.reduce((s, [, c]) => s + c, 0);
  const labelCounts: Record<string, number> = {};
  for (const label of input.labels) labelCounts[label] = (labelCounts[label] ?? 0) + 1;
  const scoreEdges = [...DRIFT_SCORE_EDGES];
  return {
    score: { edges: scoreEdges, counts: histogram(Array.from(input.scores), scoreEdges) },
    length: { edges: LENGTH_EDGES, counts: histogram(lengths, LENGTH_EDGES) },
    vocabulary: kept.map(([token]) => token),
    labelMix: mixOf(labelCounts),
    oovRate: totalTokens > 0 ? 1 - keptTokens / totalTokens : 0,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function numbers(value: unknown): number[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.every((v) => typeof v === "number" && Number.isFinite(v)) ? (value as number[]) : null;
}

function pick(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (record[key] !== undefined) return record[key];
  return undefined;
}

/** `{edges, counts}` (or `bins` for edges); edges must be one longer than counts. */
function parseHistogram(value: unknown): Histogram | null {
  if (!isRecord(value)) return null;
  const edges = numbers(pick(value, ["edges", "bins", "binEdges"]));
  const counts = numbers(pick(value, ["counts", "frequencies", "shares"]));
  if (edges === null || counts === null || edges.length !== counts.length + 1) return null;
  return { edges, counts };
}

/** A list of tokens, of `[token, count]` pairs, of `{token}` objects, or a `{token: count}` map. */
function parseVocabulary(value: unknown): string[] | null {
  if (isRecord(value)) return Object.keys(value);
  if (!Array.isArray(value)) return null;
  const tokens: string[] = [];
  for (const entry of value) {
    if (typeof entry === "string") tokens.push(entry);
    else if (Array.isArray(entry) && typeof entry[0] === "string") tokens.push(entry[0]);
    else if (isRecord(entry) && typeof entry.token === "string") tokens.push(entry.token);
    else return null;
  }
  return tokens;
}

function parseLabelMix(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) return null;
  const counts: Record<string, number> = {};
  for (const [label, n] of Object.entries(value)) {
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return null;
    counts[label] = n;
  }
  return mixOf(counts); // counts or shares: normalised either way
}

export function parseReference(value: unknown): DriftReference | null {
  if (!isRecord(value)) return null;
  const score = parseHistogram(pick(value, ["score", "scoreHistogram", "scores"]));
  const length = parseHistogram(pick(value, ["length", "lengthHistogram", "sentenceLength", "lengths"]));
  const vocabulary = parseVocabulary(pick(value, ["vocabulary", "topVocabulary", "vocab", "topTokens"]));
  const labelMix = parseLabelMix(pick(value, ["labelMix", "labels", "labelCounts"]));
  if (score === null || length === null || vocabulary === null || labelMix === null) return null;
  const oov = pick(value, ["oovRate", "oovBaseline"]);
  return { score, length, vocabulary, labelMix, oovRate: typeof oov === "number" ? oov : 0 };
}

/** Folds labels other than the model's positive one into its negative one (binary models). */
export function foldLabelMix(reference: DriftReference, positive: string, negative: string): DriftReference {
  const positiveShare = reference.labelMix[positive] ?? 0;
  return { ...reference, labelMix: { [positive]: positiveShare, [negative]: 1 - positiveShare } };
}
