/**
 * The row half of cleaning: small pure steps (rows in, rows out, a StepReport) for labels, empty
 * text, the "Can't Decide" policy, and duplicates.
 */
import type { LabelMatcher } from "./labels.ts";
import { normalisedKey } from "./normalised-key.ts";
import { type StepResult, StepTally } from "./step-report.ts";
import type { TextTransform } from "./text-transforms.ts";
import {
  CANT_DECIDE,
  type CantDecidePolicy,
  type CleanRow,
  type ConflictPolicy,
  type Label,
  NOT_RELEVANT,
  type RawRow,
} from "./types.ts";

/** A row with usable text and a canonical label, before duplicates are merged. */
export interface LabelledRow {
  readonly row: number;
  readonly text: string;
  readonly label: Label;
}

/** Runs one text transform over every row's text. */
export function textStep(transform: TextTransform, rows: readonly RawRow[]): StepResult<RawRow> {
  return textSteps([transform], rows)[0] ?? { rows: [...rows], report: new StepTally().report("text", 0, 0) };
}

/**
 * Runs several text transforms in one pass over the rows (a million rows are walked once, not once
 * per transform); each transform still gets its own report. Result i holds the rows as they are
 * after transform i — only the last one's rows are materialised, the earlier ones are reports only.
 */
export function textSteps(
  transforms: readonly TextTransform[],
  rows: readonly RawRow[],
): Array<StepResult<RawRow>> {
  const tallies = transforms.map(() => new StepTally());
  const out = rows.map((row) => {
    if (row.text === null) return row;
    let text = row.text;
    for (const [i, transform] of transforms.entries()) {
      const next = transform.apply(text);
      if (next !== text) (tallies[i] as StepTally).count(transform.reason, text, next);
      text = next;
    }
    return text === row.text ? row : { ...row, text };
  });
  return transforms.map((transform, i) => ({
    rows: i === transforms.length - 1 ? out : [],
    report: (tallies[i] as StepTally).report(transform.name, rows.length, rows.length),
  }));
}

/** A row whose label is canonical; its text may still be NULL or empty. */
export interface LabelledRawRow {
  readonly row: number;
  readonly text: string | null;
  readonly label: Label;
}

/** Canonical labels; rows whose label is NULL or unknown are dropped (validation names them). */
export function labelStep(rows: readonly RawRow[], match: LabelMatcher): StepResult<LabelledRawRow> {
  const tally = new StepTally();
  const out: LabelledRawRow[] = [];
  for (const row of rows) {
    const label = row.label === null ? null : match(row.label);
    if (label === null) {
      tally.count(
        row.label === null ? "label-null" : "label-unknown",
        `row ${row.row}: ${row.label}`,
        "(dropped)",
      );
      continue;
    }
    if (label !== row.label) tally.count("label-respelled", String(row.label), label);
    out.push({ row: row.row, text: row.text, label });
  }
  return { rows: out, report: tally.report("labels", rows.length, out.length) };
}

function hasText(row: LabelledRawRow): row is LabelledRow {
  return row.text !== null;
}

export function emptyTextStep(rows: readonly LabelledRawRow[]): StepResult<LabelledRow> {
  const tally = new StepTally();
  const out: LabelledRow[] = [];
  for (const row of rows) {
    if (row.text === null || row.text.trim() === "") {
      tally.count(
        row.text === null ? "text-null" : "text-empty",
        `row ${row.row}: ${JSON.stringify(row.text)}`,
        "(dropped)",
      );
    } else if (hasText(row)) {
      out.push(row);
    }
  }
  return { rows: out, report: tally.report("empty-text", rows.length, out.length) };
}

export function cantDecideStep(
  rows: readonly LabelledRow[],
  policy: CantDecidePolicy,
): StepResult<LabelledRow> {
  const tally = new StepTally();
  if (policy === "keep")
    return { rows: [...rows], report: tally.report("cant-decide", rows.length, rows.length) };
  const out: LabelledRow[] = [];
  for (const row of rows) {
    if (row.label !== CANT_DECIDE) out.push(row);
    else if (policy === "exclude") tally.count("cant-decide-excluded", row.text, "(set aside)");
    else {
      tally.count("cant-decide-as-not-relevant", row.text, NOT_RELEVANT);
      out.push({ ...row, label: NOT_RELEVANT });
    }
  }
  return { rows: out, report: tally.report("cant-decide", rows.length, out.length) };
}

interface Group {
  readonly key: string;
  readonly text: string;
  readonly rows: number[];
  readonly labels: Label[];
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

function resolveGroup(group: Group, policy: ConflictPolicy, tally: StepTally): CleanRow | null {
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
  return { text: group.text, label, key: group.key, sourceRows: group.rows };
}

/** Rows with the same normalised key become one; the first row's text is kept. */
export function dedupeStep(
  rows: readonly LabelledRow[],
  enabled: boolean,
  policy: ConflictPolicy,
): StepResult<CleanRow> {
  const tally = new StepTally();
  const keys = rows.map((r) => normalisedKey(r.text));
  if (!enabled) {
    const out = rows.map((r, i) => ({
      text: r.text,
      label: r.label,
      key: keys[i] as string,
      sourceRows: [r.row],
    }));
    return { rows: out, report: tally.report("duplicates", rows.length, out.length) };
  }
  // First row index per key; later rows of a key only when there are some (most keys have none).
  const first = new Map<string, number>();
  const later = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const key = keys[i] as string;
    const at = first.get(key);
    if (at === undefined) first.set(key, i);
    else later.get(at)?.push(i) ?? later.set(at, [i]);
  }
  const out: CleanRow[] = [];
  for (const [key, at] of first) {
    const head = rows[at] as LabelledRow;
    const rest = later.get(at);
    if (rest === undefined) {
      out.push({ text: head.text, label: head.label, key, sourceRows: [head.row] });
      continue;
    }
    const members = [head, ...rest.map((i) => rows[i] as LabelledRow)];
    const group = {
      key,
      text: head.text,
      rows: members.map((r) => r.row),
      labels: members.map((r) => r.label),
    };
    const clean = resolveGroup(group, policy, tally);
    if (clean !== null) out.push(clean);
  }
  return { rows: out, report: tally.report("duplicates", rows.length, out.length) };
}
