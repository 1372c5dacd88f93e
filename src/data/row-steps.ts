/**
 * The row half of cleaning: small pure steps (rows in, rows out, a StepReport) for labels, empty
 * text, the "Can't Decide" policy, and duplicates. Each step is built on a per-row function that
 * `RowCleaner` also uses when it fuses the steps into one pass, so both give the same rows.
 */
import { Deduper, majorityLabel } from "./deduper.ts";
import { seededHash } from "./group-allocation.ts";
import type { LabelMatcher } from "./labels.ts";
import { normalisedKey } from "./normalised-key.ts";
import { type StepResult, StepTally } from "./step-report.ts";
import { TextPass, type TextTransform } from "./text-transforms.ts";
import {
  CANT_DECIDE,
  type CantDecidePolicy,
  type CleanRow,
  type ConflictPolicy,
  type Label,
  NOT_RELEVANT,
  type RawRow,
} from "./types.ts";

export { majorityLabel };

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
  const pass = new TextPass(transforms);
  const out = rows.map((row) => {
    if (row.text === null) return row;
    const text = pass.apply(row.text);
    return text === row.text ? row : { ...row, text };
  });
  return pass.reports(rows.length).map((report, i) => ({
    rows: i === transforms.length - 1 ? out : [],
    report,
  }));
}

/** A row whose label is canonical; its text may still be NULL or empty. */
export interface LabelledRawRow {
  readonly row: number;
  readonly text: string | null;
  readonly label: Label;
}

/** The row's canonical label, or null (counted as dropped) when it is NULL or unknown. */
export function canonicalLabel(row: RawRow, match: LabelMatcher, tally: StepTally): Label | null {
  return canonicalLabelOf(row.row, row.label, match, tally);
}

/** `canonicalLabel` of row number `row` whose raw label is `raw`. */
export function canonicalLabelOf(
  row: number,
  raw: string | null,
  match: LabelMatcher,
  tally: StepTally,
): Label | null {
  const label = raw === null ? null : match(raw);
  if (label === null) {
    tally.count(raw === null ? "label-null" : "label-unknown", `row ${row}: ${raw}`, "(dropped)");
    return null;
  }
  if (label !== raw) tally.count("label-respelled", String(raw), label);
  return label;
}

/** Canonical labels; rows whose label is NULL or unknown are dropped (validation names them). */
export function labelStep(rows: readonly RawRow[], match: LabelMatcher): StepResult<LabelledRawRow> {
  const tally = new StepTally();
  const out: LabelledRawRow[] = [];
  for (const row of rows) {
    const label = canonicalLabel(row, match, tally);
    if (label !== null) out.push({ row: row.row, text: row.text, label });
  }
  return { rows: out, report: tally.report("labels", rows.length, out.length) };
}

/** True for text worth keeping; NULL and blank text are counted as dropped. */
export function hasUsableText(row: number, text: string | null, tally: StepTally): text is string {
  if (text !== null && text.trim() !== "") return true;
  tally.count(text === null ? "text-null" : "text-empty", `row ${row}: ${JSON.stringify(text)}`, "(dropped)");
  return false;
}

export function emptyTextStep(rows: readonly LabelledRawRow[]): StepResult<LabelledRow> {
  const tally = new StepTally();
  const out: LabelledRow[] = [];
  for (const row of rows) {
    const { text } = row;
    if (hasUsableText(row.row, text, tally)) out.push({ ...row, text });
  }
  return { rows: out, report: tally.report("empty-text", rows.length, out.length) };
}

/** The label a row trains with under the "Can't Decide" policy, or null when it is set aside. */
export function decidedLabel(
  text: string,
  label: Label,
  policy: CantDecidePolicy,
  tally: StepTally,
): Label | null {
  if (policy === "keep" || label !== CANT_DECIDE) return label;
  if (policy === "exclude") {
    tally.count("cant-decide-excluded", text, "(set aside)");
    return null;
  }
  tally.count("cant-decide-as-not-relevant", text, NOT_RELEVANT);
  return NOT_RELEVANT;
}

export function cantDecideStep(
  rows: readonly LabelledRow[],
  policy: CantDecidePolicy,
): StepResult<LabelledRow> {
  const tally = new StepTally();
  const out: LabelledRow[] = [];
  for (const row of rows) {
    const label = decidedLabel(row.text, row.label, policy, tally);
    if (label !== null) out.push(label === row.label ? row : { ...row, label });
  }
  return { rows: out, report: tally.report("cant-decide", rows.length, out.length) };
}

/** Rows with the same normalised key become one; the first row's text is kept. */
export function dedupeStep(
  rows: readonly LabelledRow[],
  enabled: boolean,
  policy: ConflictPolicy,
): StepResult<CleanRow> {
  const tally = new StepTally();
  const deduper = new Deduper(enabled);
  for (const row of rows) {
    const key = normalisedKey(row.text);
    deduper.add(row.row, row.text, row.label, key, seededHash(key, 0));
  }
  const out = deduper.finish(policy, tally);
  return { rows: out, report: tally.report("duplicates", rows.length, out.length) };
}
