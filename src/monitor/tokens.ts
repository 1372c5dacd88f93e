/**
 * The monitor's view of a sentence: lower-cased word tokens. Drift only needs a tokenisation that
 * is the same at training-reference time and at serving time, so it is src/text's drift tokeniser,
 * small and fixed, shared with the pipeline rather than following whatever featuriser a model uses.
 */
import { hash } from "node:crypto";
// The one exception to "import a module through its index.ts": this file runs in the prediction
// log's writer thread, a separate V8 isolate, where loading all of src/text (featurisers, word
// vectors) for one tokeniser costs about 20 MB of memory. drift-tokens.ts has no imports.
import { driftTokens } from "../text/drift-tokens.ts";

/** The drift tokeniser the pipeline's training-time reference was built with (src/text). */
export const tokenize: (text: string) => string[] = driftTokens;

export function countOov(tokens: readonly string[], vocabulary: ReadonlySet<string> | null): number {
  if (vocabulary === null || vocabulary.size === 0) return 0;
  let oov = 0;
  for (const token of tokens) if (!vocabulary.has(token)) oov++;
  return oov;
}

/**
 * sha256 hex of the sentence as sent (UTF-8); feedback by sentence joins on it. The one-shot
 * `crypto.hash` costs the writer half of what a Hash object per row did (0.8 vs 1.5 µs).
 */
export function sentenceHash(sentence: string): string {
  return hash("sha256", sentence, "hex");
}
