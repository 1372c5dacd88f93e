/**
 * Sentence limits for inputs that JSON Schema cannot describe up front (V2 tensors, gRPC
 * messages). REST v1 bodies get the same limits from their schemas; both paths raise the same
 * catalogued errors.
 */
import { siftError } from "../errors.ts";
import type { ServeLimits } from "./types.ts";

const NON_BLANK = /\S/;

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Throws EMPTY_SENTENCE, SENTENCE_TOO_LONG or BATCH_TOO_LARGE for the first offending item. */
export function checkSentences(sentences: readonly string[], field: string, limits: ServeLimits): void {
  if (sentences.length === 0)
    throw siftError("INVALID_REQUEST", `${field} is empty; send at least one sentence.`);
  if (sentences.length > limits.maxBatch) throw siftError("BATCH_TOO_LARGE", field, limits.maxBatch);
  for (let i = 0; i < sentences.length; i++) {
    const sentence = sentences[i] ?? "";
    // Length in UTF-16 units bounds the code points from above: count only when it could matter.
    if (sentence.length > limits.maxSentenceLength && codePoints(sentence) > limits.maxSentenceLength) {
      throw siftError("SENTENCE_TOO_LONG", `${field}[${i}]`, limits.maxSentenceLength);
    }
    if (!NON_BLANK.test(sentence)) throw siftError("EMPTY_SENTENCE", `${field}[${i}]`);
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 bytes, refusing invalid sequences (they would silently become U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw siftError("INVALID_UTF8");
  }
}
