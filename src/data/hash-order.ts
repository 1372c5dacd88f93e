/**
 * Ordering a million rows by a 32-bit hash without a JavaScript comparator: each (hash, index)
 * pair is written into one 64-bit slot and the BigUint64Array is sorted natively — several times
 * faster than `Array.prototype.sort` calling back into JavaScript, and it allocates no BigInts.
 * Ties (equal hashes, rare) are then put in order by the caller's comparator.
 */
import { endianness } from "node:os";
import { scratchBuffer } from "./scratch.ts";

// The 32-bit halves of a 64-bit slot: the index goes in the low half, the hash in the high half.
const LOW = endianness() === "LE" ? 0 : 1;
const HIGH = 1 - LOW;

/**
 * Indices 0 … n-1 ordered by hash, then by index. The returned array is the first half of a buffer
 * of (at least) 2n slots: `spareHalf` gives the second half, free for the caller's own use; the
 * buffer may be scratch memory (scratch.ts) — the caller releases it when done.
 */
export function orderByHash(hashes: Uint32Array): Uint32Array {
  const n = hashes.length;
  const slots = new BigUint64Array(scratchBuffer(8 * n), 0, n);
  const halves = new Uint32Array(slots.buffer, 0, 2 * n);
  for (let i = 0; i < n; i++) {
    halves[2 * i + LOW] = i;
    halves[2 * i + HIGH] = hashes[i] as number;
  }
  slots.sort();
  // The indices are gathered into the front of the same buffer (slot i's index is read before
  // anything is written over it): no second array of a million.
  const order = halves.subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = halves[2 * i + LOW] as number;
  return order;
}

/** The free second half of the buffer under an array `orderByHash` returned (n more 32-bit slots). */
export function spareHalf(order: Uint32Array): Uint32Array {
  return new Uint32Array(order.buffer, order.byteOffset + order.byteLength, order.length);
}

/**
 * Within each run of equal hashes in `order`, puts the indices in `compare` order (ties stay in
 * index order), so the whole is ordered by (hash, compare, index).
 */
export function orderTies(
  order: Uint32Array,
  hashes: Uint32Array,
  compare: (a: number, b: number) => number,
): void {
  let start = 0;
  for (let k = 1; k <= order.length; k++) {
    if (k < order.length && hashes[order[k] as number] === hashes[order[start] as number]) continue;
    if (k - start > 1) {
      const run = Array.from(order.subarray(start, k));
      run.sort((a, b) => compare(a, b) || a - b);
      order.set(run, start);
    }
    start = k;
  }
}

/** Code-unit order, as `<` compares strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
