/**
 * The core shared by splits and cross-validation folds: rows are grouped (a group never straddles
 * two parts), groups are stratified by their label, and within each label the groups fill the
 * parts towards their exact share, largest deficit first. The order groups are dealt in comes from
 * a seeded hash of the group key, so the result depends on the data and the seed only — not on the
 * order the rows arrive in. Per-group state lives in typed arrays: a million groups stay cheap.
 */

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

interface Groups {
  /** Group id per row. */
  readonly of: Int32Array;
  readonly keys: string[];
  readonly size: Int32Array;
  /** Label per group: its most frequent label (ties to the alphabetically first). */
  readonly label: string[];
}

function collectGroups(labels: readonly string[], groups: readonly string[]): Groups {
  const ids = new Map<string, number>();
  const of = new Int32Array(labels.length);
  const keys: string[] = [];
  const first: string[] = [];
  // Label counts only for groups of several rows; most groups are one row.
  const mixed = new Map<number, Map<string, number>>();
  for (let i = 0; i < labels.length; i++) {
    const key = groups[i] as string;
    const label = labels[i] as string;
    let id = ids.get(key);
    if (id === undefined) {
      id = keys.length;
      ids.set(key, id);
      keys.push(key);
      first.push(label);
    } else {
      let counts = mixed.get(id);
      if (counts === undefined) {
        counts = new Map([[first[id] as string, 1]]);
        mixed.set(id, counts);
      }
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    of[i] = id;
  }
  const size = new Int32Array(keys.length);
  for (const id of of) size[id] = (size[id] as number) + 1;
  for (const [id, counts] of mixed) first[id] = majority(counts);
  return { of, keys, size, label: first };
}

function majority(counts: Map<string, number>): string {
  let best = "";
  let bestCount = -1;
  for (const [label, count] of counts) {
    if (count > bestCount || (count === bestCount && label < best)) [best, bestCount] = [label, count];
  }
  return best;
}

function deal(
  stratum: number[],
  groups: Groups,
  hash: Uint32Array,
  fractions: readonly number[],
  part: Int32Array,
): void {
  const { size, keys } = groups;
  let total = 0;
  for (const g of stratum) total += size[g] as number;
  const deficit = apportion(total, fractions);
  // Large groups first: they are the hard ones to place; single rows then even out the counts.
  stratum.sort((a, b) => {
    const bySize = (size[b] as number) - (size[a] as number);
    if (bySize !== 0) return bySize;
    const byHash = (hash[a] as number) - (hash[b] as number);
    if (byHash !== 0) return byHash;
    return (keys[a] as string) < (keys[b] as string) ? -1 : 1;
  });
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
  const collected = collectGroups(labels, groups);
  const count = collected.keys.length;
  const hash = new Uint32Array(count);
  const strata = new Map<string, number[]>();
  for (let g = 0; g < count; g++) {
    hash[g] = seededHash(collected.keys[g] as string, seed);
    const label = collected.label[g] as string;
    const list = strata.get(label);
    if (list === undefined) strata.set(label, [g]);
    else list.push(g);
  }
  const part = new Int32Array(count);
  for (const stratum of strata.values()) deal(stratum, collected, hash, fractions, part);
  const out = new Int32Array(labels.length);
  for (let i = 0; i < out.length; i++) out[i] = part[collected.of[i] as number] as number;
  return out;
}
