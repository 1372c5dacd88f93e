/**
 * The monitor's view of a sentence: lower-cased word tokens. Drift only needs a tokenisation that
 * is the same at training-reference time and at serving time, so it is src/text's drift tokeniser,
 * small and fixed, shared with the pipeline rather than following whatever featuriser a model uses.
 */
import { createHash } from "node:crypto";
import { driftTokens } from "../text/index.ts";

/** The drift tokeniser the pipeline's training-time reference was built with (src/text). */
export const tokenize: (text: string) => string[] = driftTokens;

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
