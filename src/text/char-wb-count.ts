/**
 * Vocabulary counting for char_wb, one word at a time. Char n-grams never cross a word boundary,
 * so a document's n-grams are its words' n-grams; short text repeats the same words, so each
 * distinct word's n-grams are hashed, looked up and (when new) named once, and every later
 * occurrence replays the word's term ids from a GramCache. The counts are exactly those of
 * counting n-gram by n-gram: same terms, document frequencies and totals.
 */
import type { CharWbAnalyzer } from "./analyzers.ts";
import { GramCache } from "./gram-cache.ts";
import { KeyBuffer, KeyTable } from "./keys.ts";

/** Raw vocabulary statistics: term, document frequency and corpus count per id. */
export interface CharWbCounts {
  readonly terms: string[];
  readonly df: number[];
  readonly total: number[];
}

/** The n-gram names of text[s, e), in the order the analyzer's `wordKeys` gives the keys. */
function wordTerms(text: string, s: number, e: number, minN: number, maxN: number): string[] {
  const w = ` ${text.slice(s, e)} `;
  if (w.length < minN) return [w];
  const out: string[] = [];
  for (let o = 0; o + minN <= w.length; o++) {
    const stop = Math.min(w.length, o + maxN);
    for (let end = o + minN; end <= stop; end++) out.push(w.slice(o, end));
  }
  return out;
}

class Counter {
  readonly terms: string[] = [];
  readonly df: number[] = [];
  readonly total: number[] = [];
  private readonly lastDoc: number[] = [];
  private readonly table = new KeyTable(1 << 16);
  private readonly keys = new KeyBuffer();
  /** Term ids of the word being counted (scratch, reused). */
  ids = new Int32Array(256);
  private readonly analyzer: CharWbAnalyzer;

  constructor(analyzer: CharWbAnalyzer) {
    this.analyzer = analyzer;
  }

  /** Term ids of text[s, e)'s n-grams into `ids`, adding new terms; returns how many. */
  wordIds(text: string, s: number, e: number): number {
    const keys = this.keys;
    keys.length = 0;
    this.analyzer.wordKeys(text, s, e, keys);
    if (this.ids.length < keys.length) this.ids = new Int32Array(keys.length * 2);
    let names: string[] | null = null;
    for (let j = 0; j < keys.length; j++) {
      const a = keys.a[j] as number;
      const b = keys.b[j] as number;
      let id = this.table.get(a, b);
      if (id < 0) {
        names ??= wordTerms(text, s, e, this.analyzer.minN, this.analyzer.maxN);
        id = this.terms.length;
        this.table.insert(a, b, id);
        this.terms.push(names[j] as string);
        this.df.push(0);
        this.total.push(0);
        this.lastDoc.push(-1);
      }
      this.ids[j] = id;
    }
    return keys.length;
  }

  /** Counts ids[from, to) of `source` as occurring in document d. */
  add(source: Int32Array, from: number, to: number, d: number): void {
    const { df, total, lastDoc } = this;
    for (let k = from; k < to; k++) {
      const id = source[k] as number;
      total[id] = (total[id] as number) + 1;
      if (lastDoc[id] !== d) {
        lastDoc[id] = d;
        df[id] = (df[id] as number) + 1;
      }
    }
  }
}

/** Terms, document frequencies and totals of the char_wb n-grams of `texts`. */
export function countCharWb(texts: readonly string[], analyzer: CharWbAnalyzer): CharWbCounts {
  const counter = new Counter(analyzer);
  const cache = new GramCache();
  for (let d = 0; d < texts.length; d++) {
    const text = texts[d] as string;
    const words = analyzer.wordSpans(text);
    for (let w = 0; w < words; w++) {
      const s = analyzer.starts[w] as number;
      const e = analyzer.ends[w] as number;
      let offset = cache.find(text, s, e);
      if (offset < 0) {
        const n = counter.wordIds(text, s, e);
        offset = cache.store(counter.ids, n);
        if (offset < 0) {
          counter.add(counter.ids, 0, n, d);
          continue;
        }
      }
      const pool = cache.pool;
      counter.add(pool, offset + 1, offset + 1 + (pool[offset] as number), d);
    }
  }
  return { terms: counter.terms, df: counter.df, total: counter.total };
}
