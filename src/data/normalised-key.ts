/**
 * The key duplicates share and splits group by: lower case, every URL the same token (tweets that
 * differ only in their t.co link are the same sentence), punctuation and spacing ignored.
 */

import { NON_ASCII } from "./ascii.ts";
import { URL_PATTERN, URL_TOKEN } from "./text-transforms.ts";

const URL_HINT = /https?:|www\./i;

/** The general form: URLs to the token, lower case, runs of anything but letters and digits to one space. */
export function keyByPatterns(text: string): string {
  const lower = (URL_HINT.test(text) ? text.replace(URL_PATTERN, ` ${URL_TOKEN} `) : text).toLowerCase();
  const spaced = NON_ASCII.test(lower)
    ? lower.replace(/[^\p{L}\p{N}]+/gu, " ")
    : lower.replace(/[^a-z0-9]+/g, " ");
  return spaced.trim();
}

/** Per ASCII code: itself for a digit or lower-case letter, its lower case for a capital, else 0. */
const KEEP = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) KEEP[c] = c;
for (let c = 0x61; c <= 0x7a; c++) KEEP[c] = c;
for (let c = 0x41; c <= 0x5a; c++) KEEP[c] = c + 0x20;
const COLON = 0x3a;
const DOT = 0x2e;
const SPACE = 0x20;

let scratch = Buffer.allocUnsafe(256);

/**
 * Most texts are ASCII without a URL; for them one loop over the characters gives the same key as
 * the patterns, without the two intermediate strings (lower-cased, replaced) the patterns build.
 */
export function normalisedKey(text: string): string {
  if (scratch.length < text.length) scratch = Buffer.allocUnsafe(2 * text.length);
  const out = scratch;
  let length = 0;
  let gap = false;
  let maybeUrl = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return keyByPatterns(text);
    const kept = KEEP[c] as number;
    if (kept === 0) {
      gap = true;
      if (c === COLON || c === DOT) maybeUrl = true;
      continue;
    }
    if (gap && length > 0) out[length++] = SPACE;
    gap = false;
    out[length++] = kept;
  }
  if (maybeUrl && URL_HINT.test(text)) return keyByPatterns(text);
  return out.toString("latin1", 0, length);
}
