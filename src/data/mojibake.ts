/**
 * Mojibake repair. Two families occur in tweet data:
 *
 * 1. Plain UTF-8 read as Windows-1252 (`â€™` for `’`, `Ã©` for `é`): re-encoding the run as
 *    Windows-1252 gives back valid UTF-8 bytes, so it is repaired generically.
 * 2. Runs left by a longer chain of wrong decodings, which no single re-encoding undoes. The
 *    "Disasters on social media" export spells them `‰ÛÒ`, `‰Û_`, `åÊ`, …; the copy in sift's seed
 *    package went through one more step and spells the same runs ` —“`, ` —_`, `Î¾`, ….
 *    These are repaired from a table read off the real data (each entry's meaning was checked
 *    against the sentences it sits in: ` —_` ends truncated tweets, ` —s` is an apostrophe, …).
 *
 * The table runs first: some of its runs (`Î¾`) are also valid UTF-8 read as Windows-1252 and
 * the generic repair would turn them into the wrong letter (`ξ`).
 */
import { NON_ASCII } from "./ascii.ts";

/** Seed-package runs (the space the extra step put before each dash is left to the whitespace step). */
const SEED_RUNS: ReadonlyArray<readonly [string, string]> = [
  ["—_", "…"], // truncated tweet
  ["—“", "“"],
  ["—…", "“"],
  ["—\uFFFD", "”"],
  ["—”", "—"],
  ["—¢", "•"],
  ["Î¾", " "], // no-break space
  ["Î£", "£"],
  ["’©", "é"], // R’©union → Réunion
  ["ÎÂ", ""],
  ["ÎŽ", ""],
  ["Î©", ""],
  ["Îà", ""],
  ["Îâ", ""],
  ["Îå", ""],
  ["Îç", ""],
  ["Î‚", ""],
  ["Î¢", ""],
  ["Î_", ""],
  ["’_", ""], // an accented letter whose bytes were lost
  ["’ã", ""],
  ["’Ù", ""],
  ["’ö", ""],
  ["’Ç", ""],
  ["’¢", ""],
  ["’ä", ""],
  ["äŒ", ""],
];

/** The original export's runs (UTF-8 → Windows-1252 → Mac Roman → Windows-1252). */
const EXPORT_RUNS: ReadonlyArray<readonly [string, string]> = [
  ["‰ÛÒ", "–"],
  ["‰ÛÓ", "—"],
  ["‰ÛÏ", "“"],
  ["‰Û\uFFFD", "”"],
  ["‰Ûª", "’"],
  ["‰Û÷", "‘"],
  ["‰Û_", "…"],
  ["‰Û¢", "•"],
  ["åÊ", " "],
  ["å£", "£"],
  ["Ì©", "é"],
];

const RUNS = new Map<string, string>([...SEED_RUNS, ...EXPORT_RUNS]);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const RUN_PATTERN = new RegExp(
  [...RUNS.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|"),
  "g",
);

/** ` —s`, ` —ve`, ` —t`: the seed package's spelling of an apostrophe (`Pakistan —s` = `Pakistan’s`). */
const SEED_APOSTROPHE = / ?—(?=(?:s|t|m|d|ve|re|ll)\b)/gi;

/** Windows-1252's characters for bytes 0x80–0x9F (the rest of 0x80–0xFF are Latin-1). */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";
const CP1252_BYTE = new Map<string, number>();
for (let i = 0; i < 32; i++) CP1252_BYTE.set(CP1252_HIGH[i] as string, 0x80 + i);
for (let b = 0xa0; b <= 0xff; b++) CP1252_BYTE.set(String.fromCharCode(b), b);

const CONTINUATION = `[\\u00A0-\\u00BF${escapeRegExp(CP1252_HIGH)}]`;
/** A UTF-8 lead byte (as Windows-1252) followed by continuation bytes (as Windows-1252). */
const UTF8_AS_CP1252 = new RegExp(`[\\u00C2-\\u00F4]${CONTINUATION}{1,3}`, "g");
const utf8 = new TextDecoder("utf-8", { fatal: true });

function sequenceLength(lead: number): number {
  if (lead < 0xe0) return 2;
  return lead < 0xf0 ? 3 : 4;
}

function repairRun(run: string): string {
  const bytes = Array.from(run, (c) => CP1252_BYTE.get(c) ?? 0);
  const length = sequenceLength(bytes[0] ?? 0);
  if (bytes.length < length) return run;
  try {
    return utf8.decode(Uint8Array.from(bytes.slice(0, length))) + run.slice(length);
  } catch {
    return run;
  }
}

export function repairMojibake(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  return text
    .replace(RUN_PATTERN, (run) => RUNS.get(run) ?? run)
    .replace(SEED_APOSTROPHE, "’")
    .replace(UTF8_AS_CP1252, repairRun);
}

/** U+FFFD marks bytes that were lost before sift saw them; nothing can bring them back. */
export function removeReplacementChars(text: string): string {
  return text.includes("\uFFFD") ? text.replaceAll("\uFFFD", "") : text;
}
