/**
 * The key duplicates share and splits group by: lower case, every URL the same token (tweets that
 * differ only in their t.co link are the same sentence), punctuation and spacing ignored.
 */

import { NON_ASCII } from "./ascii.ts";
import { URL_PATTERN, URL_TOKEN } from "./text-transforms.ts";

export function normalisedKey(text: string): string {
  const lower = (
    /https?:|www\./i.test(text) ? text.replace(URL_PATTERN, ` ${URL_TOKEN} `) : text
  ).toLowerCase();
  const spaced = NON_ASCII.test(lower)
    ? lower.replace(/[^\p{L}\p{N}]+/gu, " ")
    : lower.replace(/[^a-z0-9]+/g, " ");
  return spaced.trim();
}
