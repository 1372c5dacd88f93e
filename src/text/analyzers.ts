/**
 * Analyzers turn normalised text into terms: word n-grams over a token pattern, or character
 * n-grams inside word boundaries (scikit-learn's `char_wb`: each whitespace-separated word is
 * padded with one space each side; a padded word shorter than the smallest n counts once).
 *
 * Each analyzer has two paths that must agree: `keys` (hot path: 64-bit keys from char codes,
 * no strings) and `terms` (the same n-grams as strings, in the same order, to name features).
 */
import { KEY_SEED_A, KEY_SEED_B, type KeyBuffer, mixA, mixB } from "./keys.ts";

export interface Analyzer {
  keys(text: string, out: KeyBuffer): void;
  terms(text: string): string[];
}

/** Default token pattern: runs of 2+ letters, marks, digits or underscores (sklearn's `\b\w\w+\b`, Unicode-aware). */
export const DEFAULT_TOKEN_PATTERN = "[\\p{L}\\p{M}\\p{N}_]{2,}";

export function tokenPatternProblem(pattern: string): string | null {
  try {
    const re = new RegExp(pattern, "gu");
    if (re.test("")) return "must not match the empty string";
    return null;
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
}

/**
 * Token patterns of the form `[class]+` or `[class]{n,}` (the default ones) matched by a loop
 * over code points instead of the regex engine, with the same matches: a global, Unicode regex
 * of that form finds exactly the maximal runs of class code points at least n long. Whether a
 * code point is in the class is still asked of the regex engine (once per BMP code point, then
 * remembered), so the class means what it means to a RegExp.
 */
export class RunScanner {
  private readonly member: RegExp;
  private readonly minLength: number;
  /** Per BMP code unit: 0 not asked yet, 1 in the class, 2 not. */
  private readonly known = new Uint8Array(0x10000);

  private constructor(charClass: string, minLength: number) {
    this.member = new RegExp(`^${charClass}$`, "u");
    this.minLength = minLength;
  }

  /** A scanner for `pattern`, or null when it is not one run of one character class. */
  static of(pattern: string): RunScanner | null {
    const m = /^(\[\^?[^[\]\\]*(?:\\.[^[\]\\]*)*\])(?:\+|\{(\d+),\})$/su.exec(pattern);
    if (m === null) return null;
    const minLength = m[2] === undefined ? 1 : Number(m[2]);
    if (!(minLength >= 1 && minLength <= 1000)) return null;
    try {
      return new RunScanner(m[1] as string, minLength);
    } catch {
      return null;
    }
  }

  private inClass(cp: number): boolean {
    if (cp < 0x10000) {
      let k = this.known[cp] as number;
      if (k === 0) {
        k = this.member.test(String.fromCharCode(cp)) ? 1 : 2;
        this.known[cp] = k;
      }
      return k === 1;
    }
    return this.member.test(String.fromCodePoint(cp));
  }

  /** Token spans of `text` into `starts`/`ends` (grown through `grow`); returns the count. */
  scan(text: string, spans: { starts: Int32Array; ends: Int32Array }, grow: () => void): number {
    const len = text.length;
    let count = 0;
    let i = 0;
    while (i < len) {
      const cp = text.codePointAt(i) as number;
      if (!this.inClass(cp)) {
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      const start = i;
      i = this.runEnd(text, i);
      if (this.runPoints < this.minLength) continue;
      if (count === spans.starts.length) grow();
      spans.starts[count] = start;
      spans.ends[count] = i;
      count++;
    }
    return count;
  }

  /** Code points in the run found by the last `runEnd` (a field: no object per run). */
  private runPoints = 0;

  /** End of the run of class code points starting at `i`; counts them into `runPoints`. */
  private runEnd(text: string, start: number): number {
    const len = text.length;
    let points = 0;
    let i = start;
    while (i < len) {
      const cp = text.codePointAt(i) as number;
      if (!this.inClass(cp)) break;
      points++;
      i += cp > 0xffff ? 2 : 1;
    }
    this.runPoints = points;
    return i;
  }
}

export class WordAnalyzer implements Analyzer {
  private readonly pattern: RegExp;
  /** The pattern matched without the regex engine, when it has that simple form. */
  private readonly scanner: RunScanner | null;
  private readonly grow = (): void => this.growSpans();
  private readonly minN: number;
  private readonly maxN: number;
  /** Token spans of the last `spans` call (scratch, reused between sentences). */
  starts = new Int32Array(64);
  ends = new Int32Array(64);

  constructor(pattern: string, minN: number, maxN: number) {
    this.pattern = new RegExp(pattern, "gu");
    this.scanner = RunScanner.of(pattern);
    this.minN = minN;
    this.maxN = maxN;
  }

  /** Token spans into `starts`/`ends`; returns the count. */
  spans(text: string): number {
    if (this.scanner !== null) return this.scanner.scan(text, this, this.grow);
    return this.regexSpans(text);
  }

  /** `spans` by the regex engine: any token pattern. */
  regexSpans(text: string): number {
    const re = this.pattern;
    re.lastIndex = 0;
    let count = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (count === this.starts.length) this.growSpans();
      this.starts[count] = m.index;
      this.ends[count] = m.index + m[0].length;
      count++;
    }
    return count;
  }

  private growSpans(): void {
    const s = new Int32Array(this.starts.length * 2);
    const e = new Int32Array(this.starts.length * 2);
    s.set(this.starts);
    e.set(this.ends);
    this.starts = s;
    this.ends = e;
  }

  keys(text: string, out: KeyBuffer): void {
    const count = this.spans(text);
    for (let i = 0; i < count; i++) {
      let a = KEY_SEED_A;
      let b = KEY_SEED_B;
      const last = Math.min(count, i + this.maxN);
      for (let j = i; j < last; j++) {
        if (j > i) {
          a = mixA(a, 32);
          b = mixB(b, 32);
        }
        const end = this.ends[j] as number;
        for (let k = this.starts[j] as number; k < end; k++) {
          const c = text.charCodeAt(k);
          a = mixA(a, c);
          b = mixB(b, c);
        }
        if (j - i + 1 >= this.minN) out.push(a, b);
      }
    }
  }

  terms(text: string): string[] {
    const count = this.spans(text);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      let term = "";
      const last = Math.min(count, i + this.maxN);
      for (let j = i; j < last; j++) {
        const token = text.slice(this.starts[j], this.ends[j]);
        term = j > i ? `${term} ${token}` : token;
        if (j - i + 1 >= this.minN) out.push(term);
      }
    }
    return out;
  }
}

/** Python's str.split() whitespace, so words split exactly as scikit-learn's char_wb does. */
function isSpace(c: number): boolean {
  // Printable ASCII and most of Latin-1 first: one comparison for nearly every character.
  if (c > 32 && c < 0x85) return false;
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    (c >= 28 && c <= 31) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export class CharWbAnalyzer implements Analyzer {
  readonly minN: number;
  readonly maxN: number;
  /** Word spans of the last `wordSpans` call (reused between sentences: no allocation per call). */
  starts = new Int32Array(64);
  ends = new Int32Array(64);

  constructor(minN: number, maxN: number) {
    this.minN = minN;
    this.maxN = maxN;
  }

  /** Splits on Python's whitespace into `starts`/`ends`; returns the number of words. */
  wordSpans(text: string): number {
    let count = 0;
    let i = 0;
    const len = text.length;
    while (i < len) {
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      if (i >= len) break;
      const s = i;
      while (i < len && !isSpace(text.charCodeAt(i))) i++;
      if (count === this.starts.length) this.growSpans();
      this.starts[count] = s;
      this.ends[count] = i;
      count++;
    }
    return count;
  }

  private growSpans(): void {
    const s = new Int32Array(this.starts.length * 2);
    const e = new Int32Array(this.starts.length * 2);
    s.set(this.starts);
    e.set(this.ends);
    this.starts = s;
    this.ends = e;
  }

  /** Calls `emit(start, end)` for each whitespace-separated word. */
  private forEachGram(text: string, emitWord: (s: number, e: number) => void): void {
    const count = this.wordSpans(text);
    for (let w = 0; w < count; w++) emitWord(this.starts[w] as number, this.ends[w] as number);
  }

  keys(text: string, out: KeyBuffer): void {
    const count = this.wordSpans(text);
    for (let w = 0; w < count; w++) {
      pushWordGrams(text, this.starts[w] as number, this.ends[w] as number, this.minN, this.maxN, out);
    }
  }

  /** Keys of the n-grams of the one word text[s, e), in the order `keys` gives them. */
  wordKeys(text: string, s: number, e: number, out: KeyBuffer): void {
    pushWordGrams(text, s, e, this.minN, this.maxN, out);
  }

  terms(text: string): string[] {
    const out: string[] = [];
    const { minN, maxN } = this;
    this.forEachGram(text, (s, e) => {
      const w = ` ${text.slice(s, e)} `;
      if (w.length < minN) {
        out.push(w);
        return;
      }
      for (let o = 0; o + minN <= w.length; o++) {
        const stop = Math.min(w.length, o + maxN);
        for (let end = o + minN; end <= stop; end++) out.push(w.slice(o, end));
      }
    });
    return out;
  }
}

function pushWholePadded(text: string, s: number, e: number, out: KeyBuffer): void {
  let a = mixA(KEY_SEED_A, 32);
  let b = mixB(KEY_SEED_B, 32);
  for (let k = s; k < e; k++) {
    const c = text.charCodeAt(k);
    a = mixA(a, c);
    b = mixB(b, c);
  }
  out.push(mixA(a, 32), mixB(b, 32));
}

/** Keys of the n-grams of text[s, e) padded with a space each side (one key if it is short). */
function pushWordGrams(text: string, s: number, e: number, minN: number, maxN: number, out: KeyBuffer): void {
  const padded = e - s + 2;
  if (padded < minN) {
    pushWholePadded(text, s, e, out);
    return;
  }
  for (let o = 0; o + minN <= padded; o++) {
    let a = KEY_SEED_A;
    let b = KEY_SEED_B;
    const stop = Math.min(padded, o + maxN);
    for (let p = o; p < stop; p++) {
      const c = p === 0 || p === padded - 1 ? 32 : text.charCodeAt(s + p - 1);
      a = mixA(a, c);
      b = mixB(b, c);
      if (p - o + 1 >= minN) out.push(a, b);
    }
  }
}
