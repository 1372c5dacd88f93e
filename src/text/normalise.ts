/**
 * Light cleaning of noisy short text before tokenising, the same at fit and predict time:
 * repair mojibake (UTF-8 read as Windows-1252), decode HTML entities, replace URLs and
 * @mentions by placeholder tokens (their exact strings rarely recur and only add noise),
 * lowercase. Each step is a parameter so a spec records exactly what the model saw.
 */
import { type ParamsOf, validateParams } from "./params.ts";

export const normaliserSchema = {
  lowercase: { type: "boolean", default: true },
  fixMojibake: { type: "boolean", default: true },
  decodeEntities: { type: "boolean", default: true },
  /** Replace http(s)/www URLs by this token; "" keeps URLs as they are. */
  urlToken: { type: "string", default: " _url_ " },
  /** Replace @mentions by this token; "" keeps them. */
  mentionToken: { type: "string", default: "" },
  /** Unicode compatibility normalisation (full-width letters, ligatures): costs ~1 µs. */
  nfkc: { type: "boolean", default: false },
  /** "#LondonFire" → "LondonFire London Fire": the tag as written plus its camel-case words. */
  splitHashtags: { type: "boolean", default: false },
  /** Replace runs of digits by this token (e.g. " _num_ "); "" keeps numbers. */
  numberToken: { type: "string", default: "" },
  /** Squash a letter repeated 3+ times to two ("soooo" → "soo"). */
  squashRepeats: { type: "boolean", default: false },
} as const;

export type NormaliserParams = ParamsOf<typeof normaliserSchema>;

/** Windows-1252 bytes 0x80–0x9F that map to characters outside Latin-1. */
const CP1252_HIGH: Readonly<Record<number, number>> = {
  8364: 0x80,
  8218: 0x82,
  402: 0x83,
  8222: 0x84,
  8230: 0x85,
  8224: 0x86,
  8225: 0x87,
  710: 0x88,
  8240: 0x89,
  352: 0x8a,
  8249: 0x8b,
  338: 0x8c,
  381: 0x8e,
  8216: 0x91,
  8217: 0x92,
  8220: 0x93,
  8221: 0x94,
  8226: 0x95,
  8211: 0x96,
  8212: 0x97,
  732: 0x98,
  8482: 0x99,
  353: 0x9a,
  8250: 0x9b,
  339: 0x9c,
  382: 0x9e,
  376: 0x9f,
};

// A run of characters that Windows-1252 could have produced from UTF-8 lead + continuation bytes.
const MOJIBAKE_RUN =
  /[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+/g;
const MOJIBAKE_HINT = /[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u2122]/;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function repairRun(run: string): string {
  const bytes = new Uint8Array(run.length);
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    const b = c <= 0xff ? c : CP1252_HIGH[c];
    if (b === undefined) return run;
    bytes[i] = b;
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not valid UTF-8 once re-encoded (e.g. a lone "Â" in real Latin-1 text): keep as written.
    return run;
  }
}

export function fixMojibake(text: string): string {
  return MOJIBAKE_HINT.test(text) ? text.replace(MOJIBAKE_RUN, repairRun) : text;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  copy: "©",
  reg: "®",
  trade: "™",
};
const ENTITY = /&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi;

function decodeEntity(whole: string, body: string): string {
  if (body.charCodeAt(0) === 35 /* # */) {
    const hex = body.charCodeAt(1) === 120 || body.charCodeAt(1) === 88;
    const cp = Number.parseInt(hex ? body.slice(2) : body.slice(1), hex ? 16 : 10);
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : whole;
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
}

/** Decodes HTML entities, including double-escaped ones (`&amp;amp;` → `&`) seen in scraped text. */
export function decodeEntities(text: string): string {
  let out = text;
  for (let round = 0; round < 3 && out.includes("&"); round++) {
    const next = out.replace(ENTITY, decodeEntity);
    if (next === out) break;
    out = next;
  }
  return out;
}

const URL = /\b(?:https?:\/\/|www\.)\S*/gi;
const HASHTAG = /#([\p{L}\p{N}_]+)/gu;
const CAMEL_CASE = /(\p{Ll})(\p{Lu})|(\p{L})(\p{N})|(\p{N})(\p{L})|(\p{Lu})(\p{Lu}\p{Ll})/gu;
const DIGITS = /\p{Nd}+/gu;
const REPEATS = /(\p{L})\1{2,}/gu;

/** The tag as written, then its words when camel case or digits split it. */
function splitHashtag(_whole: string, tag: string): string {
  const words = tag.replace(CAMEL_CASE, "$1$3$5$7 $2$4$6$8").replaceAll("_", " ");
  return words === tag ? tag : `${tag} ${words}`;
}
const MENTION = /(^|[^\w@])@\w+/g;

/** A configured normaliser: `normalise(text)` is pure and deterministic. */
export class Normaliser {
  readonly params: NormaliserParams;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = validateParams("Normaliser", normaliserSchema, params);
  }

  normalise(text: string): string {
    const p = this.params;
    let s = text;
    if (p.fixMojibake) s = fixMojibake(s);
    if (p.decodeEntities && s.includes("&")) s = decodeEntities(s);
    if (p.nfkc) s = s.normalize("NFKC");
    if (p.urlToken !== "") s = s.replace(URL, p.urlToken);
    if (p.splitHashtags && s.includes("#")) s = s.replace(HASHTAG, splitHashtag);
    if (p.numberToken !== "") s = s.replace(DIGITS, p.numberToken);
    if (p.squashRepeats) s = s.replace(REPEATS, "$1$1");
    if (p.mentionToken !== "" && s.includes("@")) {
      const token = p.mentionToken;
      s = s.replace(MENTION, (_m, before: string) => before + token);
    }
    return p.lowercase ? s.toLowerCase() : s;
  }
}
