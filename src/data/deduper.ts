/**
 * Collapsing duplicates: rows that share a normalised key become one row (the first row's text),
 * and a group whose rows disagree on the label is resolved by the conflict policy. Rows arrive one
 * at a time, so a reader can feed it while it reads.
 */
import { GrowableUint32 } from "./growable.ts";
import { compareStrings, orderByHash, spareHalf } from "./hash-order.ts";
import { releaseScratch, scratchBuffer } from "./scratch.ts";
import type { StepTally } from "./step-report.ts";
import type { CleanRow, ConflictPolicy, Label } from "./types.ts";

/** Row links of the duplicate groups: the next row of the same key (or END), and who is not first. */
interface Links {
  /** The rows by (hash of key, key, arrival). */
  readonly order: Uint32Array;
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
 * A clean row as the deduper makes it: a group's first row, which later rows of its key join. Its
 * source rows are the first row's number and, only when duplicates joined it, an array of theirs:
 * an array per row for the million rows that have no duplicate was ~56 bytes each (array and
 * elements) — ~50 MB of a run's peak memory. `sourceRows` builds the array when it is read; in
 * JSON a row is the plain CleanRow it always was.
 */
class Entry implements CleanRow {
  readonly text: string;
  label: Label;
  readonly key: string;
  readonly #first: number;
  #joined: number[] | null = null;

  constructor(text: string, label: Label, key: string, first: number) {
    this.text = text;
    this.label = label;
    this.key = key;
    this.#first = first;
  }

  get sourceRows(): readonly number[] {
    return this.#joined === null ? [this.#first] : [this.#first, ...this.#joined];
  }

  /** Adds the first source row of `duplicate`, a later row of the same key. */
  join(duplicate: Entry): void {
    this.#joined ??= [];
    this.#joined.push(duplicate.#first);
  }

  toJSON(): CleanRow {
    return { text: this.text, label: this.label, key: this.key, sourceRows: this.sourceRows };
  }
}

/**
 * Collects rows as they come (each already as the clean row it may become) and groups them once,
 * at the end, by sorting on (hash of key, key): the rows of a key are then adjacent. Typed arrays
 * and one native sort instead of a Map holding a million keys — faster, and the Map's memory is
 * never needed; the survivors are compacted in place, so no second array of rows is built.
 */
export class Deduper {
  private readonly enabled: boolean;
  private readonly entries: Entry[] = [];
  private readonly hashes = new GrowableUint32();
  /**
   * What `finish` sorted: row order by key, each row's place among the kept rows (or END), and
   * the duplicate links (no longer needed: the canonical order is written over them).
   */
  private sorted: { order: Uint32Array; position: Int32Array; next: Int32Array; kept: number } | null = null;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** `hash` is `seededHash(key, 0)` (computed where the key is, e.g. in the thread that cleaned the text). */
  add(row: number, text: string, label: Label, key: string, hash: number): void {
    this.entries.push(new Entry(text, label, key, row));
    this.hashes.push(hash);
  }

  /** The clean rows in the order their keys first appeared; groups are resolved into `tally`. Call once. */
  finish(policy: ConflictPolicy, tally: StepTally): CleanRow[] {
    const out = this.entries;
    if (!this.enabled) return out;
    const { order, next, follower } = this.linkDuplicates();
    // The places go in the spare half of the sort's buffer (memory peaks at the end of a run).
    const spare = spareHalf(order);
    const position = new Int32Array(spare.buffer, spare.byteOffset, spare.length).fill(END);
    let kept = 0;
    for (let i = 0; i < out.length; i++) {
      if (follower[i] === 1) continue;
      const entry = out[i] as Entry;
      if (next[i] !== END && !this.resolve(entry, i, next, policy, tally)) continue;
      position[i] = kept;
      out[kept++] = entry;
    }
    out.length = kept;
    this.sorted = { order, position, next, kept };
    releaseScratch(this.hashes.view());
    return out;
  }

  /**
   * The returned rows in the fingerprint's canonical order (hash of key, then key: keys are unique
   * once duplicates are merged), read off the sort `finish` already made; null without dedupe. The
   * array is scratch memory (scratch.ts): the caller releases it when done.
   */
  canonicalOrder(): Uint32Array | null {
    if (this.sorted === null) return null;
    const { order, position, next, kept } = this.sorted;
    const canonical = new Uint32Array(next.buffer, next.byteOffset, kept);
    let k = 0;
    for (const i of order) {
      const at = position[i] as number;
      if (at !== END) canonical[k++] = at;
    }
    releaseScratch(order);
    this.sorted = null;
    return canonical;
  }

  /**
   * Orders the rows by (hash of key, key, arrival) so each key's rows are adjacent, then links each
   * row to the next row of its key. Rows that are not the first of their key are followers.
   */
  private linkDuplicates(): Links {
    const entries = this.entries;
    const n = entries.length;
    const hashes = this.hashes.view();
    const order = orderByHash(hashes, (a, b) =>
      compareStrings((entries[a] as Entry).key, (entries[b] as Entry).key),
    );
    const next = new Int32Array(scratchBuffer(4 * n), 0, n).fill(END);
    const follower = new Uint8Array(n);
    for (let k = 1; k < n; k++) {
      const previous = order[k - 1] as number;
      const current = order[k] as number;
      if (hashes[previous] !== hashes[current]) continue;
      if ((entries[previous] as Entry).key !== (entries[current] as Entry).key) continue;
      next[previous] = current;
      follower[current] = 1;
    }
    return { order, next, follower };
  }

  /** Folds the later rows of `head`'s key into it and settles its label; false when it is dropped. */
  private resolve(
    head: Entry,
    i: number,
    next: Int32Array,
    policy: ConflictPolicy,
    tally: StepTally,
  ): boolean {
    const labels: Label[] = [head.label];
    for (let m = next[i] as number; m !== END; m = next[m] as number) {
      const member = this.entries[m] as Entry;
      head.join(member);
      labels.push(member.label);
    }
    const group = { key: head.key, text: head.text, rows: head.sourceRows, labels };
    const label = resolveGroup(group, policy, tally);
    if (label === null) return false;
    head.label = label;
    return true;
  }
}
