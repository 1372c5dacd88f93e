/**
 * Collapsing duplicates: rows that share a normalised key become one row (the first row's text),
 * and a group whose rows disagree on the label is resolved by the conflict policy. Rows arrive one
 * at a time, so a reader can feed it while it reads.
 */
import { seededHash } from "./group-allocation.ts";
import { GrowableUint32 } from "./growable.ts";
import { compareStrings, orderByHash, orderTies } from "./hash-order.ts";
import type { StepTally } from "./step-report.ts";
import type { CleanRow, ConflictPolicy, Label } from "./types.ts";

/** Row links of the duplicate groups: the next row of the same key (or END), and who is not first. */
interface Links {
  readonly next: Int32Array;
  readonly follower: Uint8Array;
}

const END = -1;

interface Group {
  readonly key: string;
  readonly text: string;
  readonly rows: readonly number[];
  readonly labels: readonly Label[];
}

/** The label most rows carry, or null when two labels tie for most. */
export function majorityLabel(labels: readonly Label[]): Label | null {
  const counts = new Map<Label, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  let best: Label | null = null;
  let bestCount = 0;
  let tied = false;
  for (const [label, count] of counts) {
    if (count > bestCount) [best, bestCount, tied] = [label, count, false];
    else if (count === bestCount) tied = true;
  }
  return tied ? null : best;
}

function describeGroup(group: Group): string {
  const counts = new Map<string, number>();
  for (const label of group.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  const spread = [...counts].map(([label, n]) => `${label} ×${n}`).join(", ");
  return `${JSON.stringify(group.text)} [${spread}]`;
}

/** The group's label under the policy, or null when the group is dropped; counted in the tally. */
function resolveGroup(group: Group, policy: ConflictPolicy, tally: StepTally): Label | null {
  const first = group.labels[0] as Label;
  const agreed = group.labels.every((l) => l === first);
  const label = agreed ? first : policy === "majority" ? majorityLabel(group.labels) : null;
  const extra = group.rows.length - 1;
  if (label === null) {
    const reason = policy === "majority" ? "conflict-tied-dropped" : "conflict-dropped";
    tally.count("conflicting-texts", describeGroup(group), "(dropped)");
    tally.count(reason, describeGroup(group), "(dropped)", group.rows.length);
    return null;
  }
  if (!agreed) {
    tally.count("conflicting-texts", describeGroup(group), label);
    tally.count("conflict-majority", describeGroup(group), label, extra);
  } else if (extra > 0) tally.count("duplicate-collapsed", describeGroup(group), "(one row kept)", extra);
  return label;
}

/**
 * Collects rows as they come and groups them once, at the end, by sorting on (hash of key, key):
 * the rows of a key are then adjacent. Typed arrays and one native sort instead of a Map holding
 * a million keys — faster, and the Map's memory is never needed.
 */
export class Deduper {
  private readonly enabled: boolean;
  private readonly texts: string[] = [];
  private readonly keys: string[] = [];
  private readonly labels: Label[] = [];
  private readonly rows = new GrowableUint32();

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  add(row: number, text: string, label: Label, key: string): void {
    this.texts.push(text);
    this.keys.push(key);
    this.labels.push(label);
    this.rows.push(row);
  }

  /** The clean rows in the order their keys first appeared; groups are resolved into `tally`. Call once. */
  finish(policy: ConflictPolicy, tally: StepTally): CleanRow[] {
    const links = this.enabled ? this.linkDuplicates() : null;
    const out: CleanRow[] = [];
    for (let i = 0; i < this.texts.length; i++) {
      if (links === null || links.next[i] === END) {
        if (links?.follower[i] !== 1) out.push(this.single(i));
        continue;
      }
      if (links.follower[i] === 1) continue;
      const row = this.group(i, links.next, policy, tally);
      if (row !== null) out.push(row);
    }
    return out;
  }

  /**
   * Orders the rows by (hash of key, key, arrival) so each key's rows are adjacent, then links each
   * row to the next row of its key. Rows that are not the first of their key are followers.
   */
  private linkDuplicates(): Links {
    const n = this.keys.length;
    const hashes = new Uint32Array(n);
    for (let i = 0; i < n; i++) hashes[i] = seededHash(this.keys[i] as string, 0);
    const order = orderByHash(hashes);
    orderTies(order, hashes, (a, b) => compareStrings(this.keys[a] as string, this.keys[b] as string));
    const next = new Int32Array(n).fill(END);
    const follower = new Uint8Array(n);
    for (let k = 1; k < n; k++) {
      const previous = order[k - 1] as number;
      const current = order[k] as number;
      if (hashes[previous] !== hashes[current] || this.keys[previous] !== this.keys[current]) continue;
      next[previous] = current;
      follower[current] = 1;
    }
    return { next, follower };
  }

  private single(i: number): CleanRow {
    const text = this.texts[i] as string;
    return {
      text,
      label: this.labels[i] as Label,
      key: this.keys[i] as string,
      sourceRows: [this.rows.at(i)],
    };
  }

  /** The group headed by row i (its key's first row), resolved by the policy; null when dropped. */
  private group(i: number, next: Int32Array, policy: ConflictPolicy, tally: StepTally): CleanRow | null {
    const rows: number[] = [];
    const labels: Label[] = [];
    for (let m = i; m !== END; m = next[m] as number) {
      rows.push(this.rows.at(m));
      labels.push(this.labels[m] as Label);
    }
    const text = this.texts[i] as string;
    const key = this.keys[i] as string;
    const label = resolveGroup({ key, text, rows, labels }, policy, tally);
    return label === null ? null : { text, label, key, sourceRows: rows };
  }
}
