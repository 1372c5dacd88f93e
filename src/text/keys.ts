/**
 * 64-bit term keys computed straight from UTF-16 code units, and an open-addressing table from
 * keys to feature indices. This is what lets the predict path look n-grams up without building
 * a string per n-gram: the key of a term is the same whether it is hashed from the term string
 * (at fit time, to name it) or incrementally from the sentence (at predict time).
 *
 * Two independent 32-bit lanes (FNV-1a and a multiply-rotate hash) make a 64-bit key; with a few
 * hundred thousand terms the chance of two distinct terms sharing a key is about 1e-9.
 */
import { fmix32 } from "./murmur3.ts";

export const KEY_SEED_A = 0x811c9dc5 | 0;
export const KEY_SEED_B = 0x2545f491 | 0;

export function mixA(a: number, code: number): number {
  return Math.imul(a ^ code, 0x01000193);
}

export function mixB(b: number, code: number): number {
  const m = Math.imul(b ^ code, 0x9e3779b1);
  return (m << 15) | (m >>> 17);
}

/** Output buffer of keys, grown as needed and reused between sentences. */
export class KeyBuffer {
  a = new Int32Array(256);
  b = new Int32Array(256);
  length = 0;

  push(a: number, b: number): void {
    if (this.length === this.a.length) {
      const na = new Int32Array(this.a.length * 2);
      const nb = new Int32Array(this.a.length * 2);
      na.set(this.a);
      nb.set(this.b);
      this.a = na;
      this.b = nb;
    }
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.length++;
  }
}

/** The key of a whole term string; equal to the incremental key of the same characters. */
export function termKey(term: string): [number, number] {
  let a = KEY_SEED_A;
  let b = KEY_SEED_B;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    a = mixA(a, c);
    b = mixB(b, c);
  }
  return [a, b];
}

/** Open addressing with linear probing over typed arrays; values are non-negative ints. */
export class KeyTable {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.keysA = new Int32Array(capacity);
    this.keysB = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  private slotOf(a: number, b: number): number {
    return fmix32(a ^ Math.imul(b, 0x27d4eb2d)) & this.mask;
  }

  /** Feature index of the key, or -1. */
  get(a: number, b: number): number {
    let slot = this.slotOf(a, b);
    for (;;) {
      const v = this.values[slot] as number;
      if (v < 0) return -1;
      if (this.keysA[slot] === a && this.keysB[slot] === b) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Sets the key's value (the caller guarantees it is absent). */
  insert(a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    let slot = this.slotOf(a, b);
    while ((this.values[slot] as number) >= 0) slot = (slot + 1) & this.mask;
    this.keysA[slot] = a;
    this.keysB[slot] = b;
    this.values[slot] = value;
    this.size++;
  }

  private grow(): void {
    const oldA = this.keysA;
    const oldB = this.keysB;
    const oldV = this.values;
    const capacity = oldV.length * 2;
    this.keysA = new Int32Array(capacity);
    this.keysB = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < oldV.length; i++) {
      const v = oldV[i] as number;
      if (v >= 0) this.insert(oldA[i] as number, oldB[i] as number, v);
    }
  }
}
