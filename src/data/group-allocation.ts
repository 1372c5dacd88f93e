/**
 * The core shared by splits and cross-validation folds: rows are grouped (a group never straddles
 * two parts), groups are stratified by their label, and within each label the groups fill the
 * parts towards their exact share, largest deficit first. The order groups are dealt in comes from
 * a seeded hash of the group key, so the result depends on the data and the seed only — not on the
 * order the rows arrive in. Per-group state lives in typed arrays: a million groups stay cheap.
 */
import { compareStrings, orderByHash, spareHalf } from "./hash-order.ts";
import { releaseScratch, scratchBuffer } from "./scratch.ts";

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

/** Rows as the allocation reads them, without copying their labels and keys into arrays. */
export interface Sample {
  readonly count: number;
  readonly label: (row: number) => string;
  readonly key: (row: number) => string;
}

/**
 * Small ids (labels, parts) for a million rows: a byte each while there are few (a split's memory
 * peaks here, at the end of a run), else 32 bits.
 */
type Ids = Uint8Array | Int32Array;

/** Groups found by sorting rows on (hash of key, key): ids are given in that order. */
interface Groups {
  readonly count: number;
  /** Group id per row. */
  readonly of: Int32Array;
  readonly size: Uint32Array;
  /** Label per group (an index into `labels`): its most frequent label, ties to the alphabetically first. */
  readonly label: Ids;
  readonly labels: string[];
  /** The rows in group order (its buffer holds `size` too): scratch memory, released when done. */
  readonly order: Uint32Array;
}

/** The most frequent label id among the members (ties to the alphabetically first label). */
function majority(labelOf: Ids, names: readonly string[], members: Uint32Array): number {
  const counts = new Map<number, number>();
  for (const i of members) counts.set(labelOf[i] as number, (counts.get(labelOf[i] as number) ?? 0) + 1);
  let best = -1;
  let bestCount = -1;
  for (const [label, count] of counts) {
    const first = count === bestCount && (names[label] as string) < (names[best] as string);
    if (count > bestCount || first) [best, bestCount] = [label, count];
  }
  return best;
}

/** Label ids per row: a byte each while there are at most 256 labels. */
function labelIds(sample: Sample, ids: LabelIds): Ids {
  const n = sample.count;
  let labelOf: Ids = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const id = ids.id(sample.label(i));
    if (id > 255 && labelOf instanceof Uint8Array) labelOf = Int32Array.from(labelOf);
    labelOf[i] = id;
  }
  return labelOf;
}

/** Small ids for the few distinct labels. */
class LabelIds {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  id(label: string): number {
    let id = this.ids.get(label);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(label, id);
      this.names.push(label);
    }
    return id;
  }
}

/**
 * Rows of one key are adjacent once ordered by (hash, key): a run is a group. No Map of a million
 * keys is built, and the groups come out in the order `deal` needs within a size.
 */
function collectGroups(sample: Sample, hashes: Uint32Array): Groups {
  const n = sample.count;
  // Label ids in row order first: the grouping below visits rows in hash order, and a typed array
  // is far cheaper to visit at random than the rows themselves.
  const ids = new LabelIds();
  const labelOf = labelIds(sample, ids);
  const order = orderByHash(hashes, (a, b) => compareStrings(sample.key(a), sample.key(b)));
  // Every row's group is written below: scratch memory will do (scratch.ts).
  const of = new Int32Array(scratchBuffer(4 * n), 0, n);
  // Group sizes go in the spare half of the sort's buffer: no array of a million more.
  const size = spareHalf(order);
  const label: Ids = labelOf instanceof Uint8Array ? new Uint8Array(n) : new Int32Array(n);
  let count = 0;
  let start = 0;
  for (let k = 1; k <= n; k++) {
    const head = order[start] as number;
    const next = order[k] as number;
    if (k < n && hashes[next] === hashes[head] && sample.key(next) === sample.key(head)) continue;
    for (let m = start; m < k; m++) of[order[m] as number] = count;
    size[count] = k - start;
    label[count] =
      k - start === 1 ? (labelOf[head] as number) : majority(labelOf, ids.names, order.subarray(start, k));
    count++;
    start = k;
  }
  return {
    count,
    of,
    size: size.subarray(0, count),
    label: label.subarray(0, count),
    labels: ids.names,
    order,
  };
}

/** Group ids per label, each in id order (hash, then key), in consecutive parts of `space` (≥ count long). */
function strataOf(groups: Groups, space: Int32Array): Int32Array[] {
  const sizes = new Int32Array(groups.labels.length);
  for (const l of groups.label) sizes[l] = (sizes[l] as number) + 1;
  let from = 0;
  const strata = Array.from(sizes, (size) => {
    from += size;
    return space.subarray(from - size, from);
  });
  const filled = new Int32Array(sizes.length);
  for (let g = 0; g < groups.count; g++) {
    const l = groups.label[g] as number;
    (strata[l] as Int32Array)[filled[l] as number] = g;
    filled[l] = (filled[l] as number) + 1;
  }
  return strata;
}

/** Large groups first (they are the hard ones to place; single rows then even out the counts), stably. */
function bySizeDescending(stratum: Int32Array, size: Uint32Array): ArrayLike<number> {
  if (stratum.every((g) => size[g] === 1)) return stratum;
  return Array.from(stratum).sort((a, b) => (size[b] as number) - (size[a] as number));
}

/** `stratum` is in the order groups are dealt: size descending, then hash, then key. */
function deal(stratum: ArrayLike<number>, size: Uint32Array, fractions: readonly number[], part: Ids): void {
  let total = 0;
  for (let k = 0; k < stratum.length; k++) total += size[stratum[k] as number] as number;
  const deficit = apportion(total, fractions);
  for (let k = 0; k < stratum.length; k++) {
    const g = stratum[k] as number;
    let best = 0;
    for (let p = 1; p < deficit.length; p++) if ((deficit[p] as number) > (deficit[best] as number)) best = p;
    deficit[best] = (deficit[best] as number) - (size[g] as number);
    part[g] = best;
  }
}

/**
 * Part index (0 … fractions.length-1) per row, stratified by label and grouped by key. The array
 * is scratch memory (scratch.ts): a caller that keeps it only for a while may release it.
 */
export function allocateSample(sample: Sample, fractions: readonly number[], seed: number): Int32Array {
  const hashes = new Uint32Array(scratchBuffer(4 * sample.count), 0, sample.count);
  for (let i = 0; i < sample.count; i++) hashes[i] = seededHash(sample.key(i), seed);
  const groups = collectGroups(sample, hashes);
  const part: Ids = fractions.length <= 256 ? new Uint8Array(groups.count) : new Int32Array(groups.count);
  // The key hashes are not needed once the groups are found: the strata are written over them.
  const space = new Int32Array(hashes.buffer, hashes.byteOffset, hashes.length);
  for (const stratum of strataOf(groups, space))
    deal(bySizeDescending(stratum, groups.size), groups.size, fractions, part);
  releaseScratch(hashes);
  releaseScratch(groups.order);
  // Each row's part is written over its group id: no second array of a million.
  const out = groups.of;
  for (let i = 0; i < out.length; i++) out[i] = part[out[i] as number] as number;
  return out;
}

export function allocateGroups(
  labels: readonly string[],
  groups: readonly string[],
  fractions: readonly number[],
  seed: number,
): Int32Array {
  const sample = {
    count: labels.length,
    label: (i: number) => labels[i] as string,
    key: (i: number) => groups[i] as string,
  };
  return allocateSample(sample, fractions, seed);
}
