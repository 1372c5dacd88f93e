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

/**
 * Open addressing with linear probing over one typed array: each slot holds key lane A, key lane
 * B and the value side by side (stride 4), so a lookup touches one cache line instead of three.
 * Values are non-negative ints; -1 marks an empty slot.
 */
export class KeyTable {
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = KeyTable.emptySlots(capacity);
    this.mask = capacity - 1;
  }

  private static emptySlots(capacity: number): Int32Array {
    const slots = new Int32Array(capacity * 4);
    for (let s = 2; s < slots.length; s += 4) slots[s] = -1;
    return slots;
  }

  private slotOf(a: number, b: number): number {
    return fmix32(a ^ Math.imul(b, 0x27d4eb2d)) & this.mask;
  }

  /** Feature index of the key, or -1. */
  get(a: number, b: number): number {
    const slots = this.slots;
    let slot = this.slotOf(a, b);
    for (;;) {
      const base = slot << 2;
      const v = slots[base + 2] as number;
      if (v < 0) return -1;
      if (slots[base] === a && slots[base + 1] === b) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Sets the key's value (the caller guarantees it is absent). */
  insert(a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const slots = this.slots;
    let slot = this.slotOf(a, b);
    while ((slots[(slot << 2) + 2] as number) >= 0) slot = (slot + 1) & this.mask;
    const base = slot << 2;
    slots[base] = a;
    slots[base + 1] = b;
    slots[base + 2] = value;
    this.size++;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    this.slots = KeyTable.emptySlots(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let s = 0; s < old.length; s += 4) {
      const v = old[s + 2] as number;
      if (v >= 0) this.insert(old[s] as number, old[s + 1] as number, v);
    }
  }
}
