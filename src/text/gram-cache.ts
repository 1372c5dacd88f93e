/**
 * Per-word memo of the columns a word's character n-grams map to. Char n-grams never cross a
 * word boundary, so a sentence's char_wb columns are the concatenation of its words' columns —
 * and short text reuses the same words over and over. Looking a word up once replaces hashing
 * and looking up its ~4·length n-grams one by one: the main cost of scoring a sentence.
 *
 * The memo only ever returns what computing afresh would (keys are 64-bit, like term keys), so
 * results never depend on what was scored before. It stops growing at `limit` pooled columns;
 * words seen after that are computed each time.
 */
import { KEY_SEED_A, KEY_SEED_B, KeyTable, mixA, mixB } from "./keys.ts";

export class GramCache {
  private readonly table = new KeyTable(4096);
  /** For each cached word: its column count, then the columns. */
  pool = new Int32Array(1 << 14);
  private used = 0;
  private readonly limit: number;
  /** Key of the last `find`, so `store` needs no second pass over the word. */
  private lastA = 0;
  private lastB = 0;

  constructor(limit = 1 << 21) {
    this.limit = limit;
  }

  /** Offset in `pool` of the word text[s, e)'s entry, or -1 when it is not cached. */
  find(text: string, s: number, e: number): number {
    let a = KEY_SEED_A;
    let b = KEY_SEED_B;
    for (let k = s; k < e; k++) {
      const c = text.charCodeAt(k);
      a = mixA(a, c);
      b = mixB(b, c);
    }
    this.lastA = a;
    this.lastB = b;
    return this.table.get(a, b);
  }

  /** Caches `cols[0, n)` for the word of the last `find`; returns its offset, or -1 when full. */
  store(cols: Int32Array, n: number): number {
    const need = this.used + n + 1;
    if (need > this.limit) return -1;
    if (need > this.pool.length) {
      let cap = this.pool.length;
      while (cap < need) cap *= 2;
      const next = new Int32Array(Math.min(cap, this.limit));
      next.set(this.pool.subarray(0, this.used));
      this.pool = next;
    }
    const offset = this.used;
    this.pool[offset] = n;
    this.pool.set(cols.subarray(0, n), offset + 1);
    this.used = need;
    this.table.insert(this.lastA, this.lastB, offset);
    return offset;
  }
}
