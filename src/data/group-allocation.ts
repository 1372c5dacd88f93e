/**
 * The core shared by splits and cross-validation folds: rows are grouped (a group never straddles
 * two parts), groups are stratified by their label, and within each label the groups fill the
 * parts towards their exact share, largest deficit first. The order groups are dealt in comes from
 * a seeded hash of the group key, so the result depends on the data and the seed only — not on the
 * order the rows arrive in.
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

interface GroupInfo {
  readonly key: string;
  readonly rows: number[];
  readonly labelCounts: Map<string, number>;
  hash: number;
}

function collectGroups(
  labels: readonly string[],
  groups: readonly string[],
  seed: number,
): Map<string, GroupInfo> {
  const byKey = new Map<string, GroupInfo>();
  for (let i = 0; i < labels.length; i++) {
    const key = groups[i] as string;
    let group = byKey.get(key);
    if (group === undefined) {
      group = { key, rows: [], labelCounts: new Map(), hash: 0 };
      byKey.set(key, group);
    }
    group.rows.push(i);
    const label = labels[i] as string;
    group.labelCounts.set(label, (group.labelCounts.get(label) ?? 0) + 1);
  }
  for (const group of byKey.values()) group.hash = seededHash(group.key, seed);
  return byKey;
}

/** A group's stratum: its most frequent label (ties to the alphabetically first, for determinism). */
function groupLabel(group: GroupInfo): string {
  let best = "";
  let bestCount = -1;
  for (const [label, count] of group.labelCounts) {
    if (count > bestCount || (count === bestCount && label < best)) [best, bestCount] = [label, count];
  }
  return best;
}

function dealOrder(a: GroupInfo, b: GroupInfo): number {
  // Large groups first: they are the hard ones to place, small ones then even out the counts.
  if (a.rows.length !== b.rows.length) return b.rows.length - a.rows.length;
  if (a.hash !== b.hash) return a.hash - b.hash;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function deal(stratum: GroupInfo[], fractions: readonly number[], out: Int32Array): void {
  const total = stratum.reduce((n, g) => n + g.rows.length, 0);
  const deficit = apportion(total, fractions);
  stratum.sort(dealOrder);
  for (const group of stratum) {
    let part = 0;
    for (let p = 1; p < deficit.length; p++) if ((deficit[p] as number) > (deficit[part] as number)) part = p;
    deficit[part] = (deficit[part] as number) - group.rows.length;
    for (const row of group.rows) out[row] = part;
  }
}

/** Part index (0 … fractions.length-1) per row, stratified by label and grouped by key. */
export function allocateGroups(
  labels: readonly string[],
  groups: readonly string[],
  fractions: readonly number[],
  seed: number,
): Int32Array {
  const out = new Int32Array(labels.length);
  const strata = new Map<string, GroupInfo[]>();
  for (const group of collectGroups(labels, groups, seed).values()) {
    const label = groupLabel(group);
    const list = strata.get(label);
    if (list === undefined) strata.set(label, [group]);
    else list.push(group);
  }
  for (const stratum of strata.values()) deal(stratum, fractions, out);
  return out;
}
