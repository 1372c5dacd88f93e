/**
 * The monitor's view of a sentence: lower-cased word tokens. Drift only needs a tokenisation that
 * is the same at training-reference time and at serving time, so it lives here, small and fixed,
 * rather than following whatever featuriser a model uses.
 */
import { createHash } from "node:crypto";

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function countOov(tokens: readonly string[], vocabulary: ReadonlySet<string> | null): number {
  if (vocabulary === null || vocabulary.size === 0) return 0;
  let oov = 0;
  for (const token of tokens) if (!vocabulary.has(token)) oov++;
  return oov;
}

/** sha256 hex of the sentence as sent; feedback by sentence joins on it. */
export function sentenceHash(sentence: string): string {
  return createHash("sha256").update(sentence, "utf8").digest("hex");
}
