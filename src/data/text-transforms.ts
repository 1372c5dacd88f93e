/**
 * The text half of cleaning: small pure string → string functions, each named by the reason it
 * reports. Each returns its input unchanged (the same string) when there is nothing to do, which
 * is how the cleaning report counts the rows a transform changed.
 */
import { decodeHTML } from "entities";
import { NON_ASCII } from "./ascii.ts";
import { removeReplacementChars, repairMojibake } from "./mojibake.ts";
import { StepTally, type TallySnapshot } from "./step-report.ts";
import type { CleaningConfig, EntityPolicy, SigilPolicy, StepReport } from "./types.ts";

export interface TextTransform {
  /** Step name in the cleaning report. */
  readonly name: string;
  /** Reason counted for each row the transform changes. */
  readonly reason: string;
  readonly apply: (text: string) => string;
  /** True when the transform never changes pure-ASCII text, so a pass over ASCII rows can skip it. */
  readonly asciiIdentity?: boolean;
}

/** Placeholder tokens: plain words, so any tokeniser keeps each one whole. */
export const URL_TOKEN = "xxurl";
export const MENTION_TOKEN = "xxuser";
export const HASHTAG_TOKEN = "xxhashtag";

export function nfkc(text: string): string {
  return NON_ASCII.test(text) ? text.normalize("NFKC") : text;
}

/** Decodes twice at most: exports often escape `&` a second time (`&amp;amp;`). */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  const once = decodeHTML(text);
  return once.includes("&") ? decodeHTML(once) : once;
}

// No leading \b: tweets glue links to the last word ("Indiahttp://t.co/…").
export const URL_PATTERN = /(?:https?:\/\/|\bwww\.)\S+/gi;
const MENTION_PATTERN = /(^|[^\w@])@(\w+)/g;
const HASHTAG_PATTERN = /(^|[^\w&#])#(\w*[A-Za-z_]\w*)/g;

export function replaceUrls(text: string, policy: EntityPolicy): string {
  if (policy === "keep" || !/https?:|www\./i.test(text)) return text;
  // Spaces around the token keep it off a glued word; the whitespace step tidies them.
  return text.replace(URL_PATTERN, policy === "token" ? ` ${URL_TOKEN} ` : " ");
}

function replaceSigil(text: string, pattern: RegExp, policy: SigilPolicy, token: string): string {
  switch (policy) {
    case "keep":
      return text;
    case "token":
      return text.replace(pattern, `$1${token}`);
    case "strip":
      return text.replace(pattern, "$1");
    case "word":
      return text.replace(pattern, "$1$2");
  }
}

export function replaceMentions(text: string, policy: SigilPolicy): string {
  return text.includes("@") ? replaceSigil(text, MENTION_PATTERN, policy, MENTION_TOKEN) : text;
}

/** Per ASCII code: 2 for a letter or `_`, 1 for a digit, 0 for anything else (the pattern's `\w`). */
const WORD_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const char = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(char)) WORD_CHAR[c] = 2;
  else if (/\d/.test(char)) WORD_CHAR[c] = 1;
}

/**
 * True when some `#` is followed by a word holding a letter — what a hashtag needs (the pattern
 * also looks at the character before). Numbers after `#` are common, so this saves the pattern.
 */
function mayHoldHashtag(text: string): boolean {
  for (let at = text.indexOf("#"); at !== -1; at = text.indexOf("#", at + 1)) {
    for (let i = at + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const kind = c < 128 ? (WORD_CHAR[c] as number) : 0;
      if (kind === 0) break;
      if (kind === 2) return true;
    }
  }
  return false;
}

/** Numbers after `#` (`#1`, `#26`) are not hashtags and stay. */
export function replaceHashtags(text: string, policy: SigilPolicy): string {
  return mayHoldHashtag(text) ? replaceSigil(text, HASHTAG_PATTERN, policy, HASHTAG_TOKEN) : text;
}

/** Whitespace other than the plain space. */
const OTHER_WHITESPACE = /[^\S ]/;

/**
 * Exactly the texts collapsing changes: a space at either end, two spaces in a row, or any other
 * whitespace. Three cheap scans beat one regex with alternatives tried at every position.
 */
function untidy(text: string): boolean {
  return (
    text.charCodeAt(0) === 0x20 ||
    text.charCodeAt(text.length - 1) === 0x20 ||
    text.includes("  ") ||
    OTHER_WHITESPACE.test(text)
  );
}

export function collapseWhitespace(text: string): string {
  // Most texts are tidy already; the test allocates nothing, the replace below a new string.
  if (!untidy(text)) return text;
  const collapsed = text.replace(/\s+/g, " ").trim();
  return collapsed === text ? text : collapsed;
}

/**
 * The enabled transforms, in the order they must run: mojibake before NFKC (NFKC rewrites the
 * characters the repair reads: `¾` → `3⁄4`, `…` → `...`), entities before URLs and hashtags (an
 * encoded `&#35;` is a `#`), whitespace last (the others leave gaps).
 */
export function textTransforms(config: CleaningConfig): TextTransform[] {
  const all: Array<TextTransform | false> = [
    config.repairMojibake && {
      name: "mojibake",
      reason: "mojibake-repaired",
      apply: repairMojibake,
      asciiIdentity: true,
    },
    config.removeReplacementChar && {
      name: "replacement-char",
      reason: "replacement-char-removed",
      apply: removeReplacementChars,
      asciiIdentity: true,
    },
    config.decodeHtmlEntities && { name: "html-entities", reason: "entities-decoded", apply: decodeEntities },
    config.nfkc && { name: "nfkc", reason: "nfkc-changed", apply: nfkc, asciiIdentity: true },
    config.urls !== "keep" && {
      name: "urls",
      reason: `urls-${config.urls}`,
      apply: (t: string) => replaceUrls(t, config.urls),
    },
    config.mentions !== "keep" && {
      name: "mentions",
      reason: `mentions-${config.mentions}`,
      apply: (t: string) => replaceMentions(t, config.mentions),
    },
    config.hashtags !== "keep" && {
      name: "hashtags",
      reason: `hashtags-${config.hashtags}`,
      apply: (t: string) => replaceHashtags(t, config.hashtags),
    },
    config.collapseWhitespace && {
      name: "whitespace",
      reason: "whitespace-collapsed",
      apply: collapseWhitespace,
    },
  ];
  return all.filter((t): t is TextTransform => t !== false);
}

/**
 * Applies transforms in order to one text at a time, tallying each change under its transform.
 * Pure-ASCII text (most of it) skips the transforms that only touch other characters; the check
 * is made once per text and again only when a transform has changed it.
 */
export class TextPass {
  private readonly transforms: readonly TextTransform[];
  private readonly tallies: StepTally[];

  constructor(transforms: readonly TextTransform[]) {
    this.transforms = transforms;
    this.tallies = transforms.map(() => new StepTally());
  }

  apply(text: string): string {
    let ascii = !NON_ASCII.test(text);
    let current = text;
    for (let i = 0; i < this.transforms.length; i++) {
      const transform = this.transforms[i] as TextTransform;
      if (ascii && transform.asciiIdentity === true) continue;
      const next = transform.apply(current);
      if (next === current) continue;
      (this.tallies[i] as StepTally).count(transform.reason, current, next);
      if (ascii) ascii = !NON_ASCII.test(next);
      current = next;
    }
    return current;
  }

  /** Each transform's tally so far, as plain data (see `absorb`). */
  snapshot(): TallySnapshot[] {
    return this.tallies.map((tally) => tally.snapshot());
  }

  /** Adds the tallies of a pass with the same transforms over the texts that came next. */
  absorb(next: readonly TallySnapshot[]): void {
    for (let i = 0; i < this.tallies.length; i++) {
      const snapshot = next[i];
      if (snapshot !== undefined) (this.tallies[i] as StepTally).absorb(snapshot);
    }
  }

  /** One report per transform; a text transform keeps every row. */
  reports(rows: number): StepReport[] {
    return this.transforms.map((t, i) => (this.tallies[i] as StepTally).report(t.name, rows, rows));
  }
}
