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

/** Orders two indices (negative, zero, positive); ties are then broken by index. */
export type IndexComparator = (a: number, b: number) => number;

/**
 * Indices 0 … n-1 ordered by hash, then by `compare` (when given), then by index. The returned
 * array is the first half of a buffer of (at least) 2n slots: `spareHalf` gives the second half,
 * free for the caller's own use; the buffer may be scratch memory (scratch.ts) — the caller
 * releases it when done.
 */
export function orderByHash(hashes: Uint32Array, compare?: IndexComparator): Uint32Array {
  const n = hashes.length;
  const slots = new BigUint64Array(scratchBuffer(8 * n), 0, n);
  const halves = new Uint32Array(slots.buffer, 0, 2 * n);
  for (let i = 0; i < n; i++) {
    halves[2 * i + LOW] = i;
    halves[2 * i + HIGH] = hashes[i] as number;
  }
  slots.sort();
  // The indices are gathered into the front of the same buffer (slot i's halves are read before
  // anything is written over them): no second array of a million. Runs of equal hashes are found
  // on the way, in the sorted slots: looking the hashes up by index afterwards reads at random.
  const order = halves.subarray(0, n);
  const runs: number[] = [];
  let runStart = 0;
  let runHash = -1;
  for (let i = 0; i < n; i++) {
    const index = halves[2 * i + LOW] as number;
    const hash = halves[2 * i + HIGH] as number;
    order[i] = index;
    if (hash === runHash) continue;
    if (i - runStart > 1) runs.push(runStart, i);
    [runStart, runHash] = [i, hash];
  }
  if (n - runStart > 1) runs.push(runStart, n);
  if (compare !== undefined)
    for (let r = 0; r < runs.length; r += 2)
      sortRun(order, runs[r] as number, runs[r + 1] as number, compare);
  return order;
}

/** Runs up to this long are sorted in place by insertion (most are two duplicates of one key). */
const SHORT_RUN = 16;

/** Puts `order[start … end)` (in index order) in (compare, index) order. */
function sortRun(order: Uint32Array, start: number, end: number, compare: IndexComparator): void {
  if (end - start > SHORT_RUN) {
    const run = Array.from(order.subarray(start, end));
    run.sort((a, b) => compare(a, b) || a - b);
    order.set(run, start);
    return;
  }
  for (let k = start + 1; k < end; k++) {
    const index = order[k] as number;
    let j = k - 1;
    for (; j >= start; j--) {
      const before = order[j] as number;
      if ((compare(before, index) || before - index) <= 0) break;
      order[j + 1] = before;
    }
    order[j + 1] = index;
  }
}

/** The free second half of the buffer under an array `orderByHash` returned (n more 32-bit slots). */
export function spareHalf(order: Uint32Array): Uint32Array {
  return new Uint32Array(order.buffer, order.byteOffset + order.byteLength, order.length);
}

/** Code-unit order, as `<` compares strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
