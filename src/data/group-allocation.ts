/**
 * The core shared by splits and cross-validation folds: rows are grouped (a group never straddles
 * two parts), groups are stratified by their label, and within each label the groups fill the
 * parts towards their exact share, largest deficit first. The order groups are dealt in comes from
 * a seeded hash of the group key, so the result depends on the data and the seed only — not on the
 * order the rows arrive in. Per-group state lives in typed arrays: a million groups stay cheap.
 */
import { compareStrings, orderByHash, orderTies } from "./hash-order.ts";

/** FNV-1a over the string, seeded, with a murmur3 finaliser for a well-spread 32-bit value. */
export function seededHash(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits `total` into integer parts proportional to `fractions` (largest remainder; sums to total). */
export function apportion(total: number, fractions: readonly number[]): number[] {
  const sum = fractions.reduce((a, b) => a + b, 0);
  const exact = fractions.map((f) => (total * f) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((e, i) => ({ i, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
  }
  return parts;
}

/** Groups found by sorting rows on (hash of key, key): ids are given in that order. */
interface Groups {
  /** Group id per row. */
  readonly of: Int32Array;
  readonly size: Int32Array;
  /** Label per group: its most frequent label (ties to the alphabetically first). */
  readonly label: string[];
}

function majority(labels: readonly string[], members: Uint32Array): string {
  const counts = new Map<string, number>();
  for (const i of members) counts.set(labels[i] as string, (counts.get(labels[i] as string) ?? 0) + 1);
  let best = "";
  let bestCount = -1;
  for (const [label, count] of counts) {
    if (count > bestCount || (count === bestCount && label < best)) [best, bestCount] = [label, count];
  }
  return best;
}

/**
 * Rows of one key are adjacent once ordered by (hash, key): a run is a group. No Map of a million
 * keys is built, and the groups come out in the order `deal` needs within a size.
 */
function collectGroups(labels: readonly string[], keys: readonly string[], hashes: Uint32Array): Groups {
  const order = orderByHash(hashes);
  orderTies(order, hashes, (a, b) => compareStrings(keys[a] as string, keys[b] as string));
  const of = new Int32Array(labels.length);
  const size: number[] = [];
  const label: string[] = [];
  let start = 0;
  for (let k = 1; k <= order.length; k++) {
    const head = order[start] as number;
    const next = order[k] as number;
    if (k < order.length && hashes[next] === hashes[head] && keys[next] === keys[head]) continue;
    const id = size.length;
    for (let m = start; m < k; m++) of[order[m] as number] = id;
    size.push(k - start);
    label.push(k - start === 1 ? (labels[head] as string) : majority(labels, order.subarray(start, k)));
    start = k;
  }
  return { of, size: Int32Array.from(size), label };
}

/** Large groups first (they are the hard ones to place; single rows then even out the counts), stably. */
function bySizeDescending(stratum: number[], size: Int32Array): number[] {
  return stratum.some((g) => size[g] !== 1)
    ? stratum.sort((a, b) => (size[b] as number) - (size[a] as number))
    : stratum;
}

/** `stratum` is in the order groups are dealt: size descending, then hash, then key. */
function deal(
  stratum: readonly number[],
  size: Int32Array,
  fractions: readonly number[],
  part: Int32Array,
): void {
  let total = 0;
  for (const g of stratum) total += size[g] as number;
  const deficit = apportion(total, fractions);
  for (const g of stratum) {
    let best = 0;
    for (let p = 1; p < deficit.length; p++) if ((deficit[p] as number) > (deficit[best] as number)) best = p;
    deficit[best] = (deficit[best] as number) - (size[g] as number);
    part[g] = best;
  }
}

/** Part index (0 … fractions.length-1) per row, stratified by label and grouped by key. */
export function allocateGroups(
  labels: readonly string[],
  groups: readonly string[],
  fractions: readonly number[],
  seed: number,
): Int32Array {
  const hashes = new Uint32Array(groups.length);
  for (let i = 0; i < groups.length; i++) hashes[i] = seededHash(groups[i] as string, seed);
  const collected = collectGroups(labels, groups, hashes);
  const count = collected.size.length;
  const strata = new Map<string, number[]>();
  for (let g = 0; g < count; g++) {
    const label = collected.label[g] as string;
    const list = strata.get(label);
    if (list === undefined) strata.set(label, [g]);
    else list.push(g);
  }
  const part = new Int32Array(count);
  for (const stratum of strata.values())
    deal(bySizeDescending(stratum, collected.size), collected.size, fractions, part);
  const out = new Int32Array(labels.length);
  for (let i = 0; i < out.length; i++) out[i] = part[collected.of[i] as number] as number;
  return out;
}
