/**
 * Validation collects every problem (row, column, code) instead of stopping at the first, so a
 * user sees them all at once. Only `assertValid` throws, at the edge, for what is fatal.
 */
import { siftErrorWithDetails } from "../errors.ts";
import { RAW_BLANK, RAW_NULL } from "./chunk-read.ts";
import { CLASS_LABEL_CODES, LABELS, type LabelMatcher, labelMatcher } from "./labels.ts";
import { type SourceColumns, sourceColumns } from "./source-columns.ts";
import type { CleaningConfig, DataIssue, Dataset, RawRow, SourceOptions, ValidationReport } from "./types.ts";

export type ValidationOptions = SourceOptions & Partial<Pick<CleaningConfig, "labelMap" | "normaliseLabels">>;

class IssueList {
  readonly issues: DataIssue[] = [];
  readonly counts: Record<string, number> = {};
  add(row: number, column: string, code: string, message: string): void {
    this.issues.push({ row, column, code, message });
    this.counts[code] = (this.counts[code] ?? 0) + 1;
  }
}

/** RAW_NULL / RAW_BLANK (or 0) for a raw text, as chunk-read.ts records them. */
function textState(text: string | null): number {
  if (text === null) return RAW_NULL;
  return text.trim() === "" ? RAW_BLANK : 0;
}

function checkText(row: number, state: number, column: string, list: IssueList): void {
  if (state === RAW_NULL) list.add(row, column, "NULL_TEXT", "text is NULL");
  else if (state === RAW_BLANK) list.add(row, column, "EMPTY_TEXT", "text is empty");
}

function checkLabel(
  row: number,
  raw: string | null,
  classLabel: number | null,
  columns: SourceColumns,
  match: LabelMatcher,
  list: IssueList,
): string | null {
  if (raw === null) {
    list.add(row, columns.label, "NULL_LABEL", "label is NULL");
    return null;
  }
  const label = match(raw);
  if (label === null) {
    list.add(
      row,
      columns.label,
      "UNKNOWN_LABEL",
      `label ${JSON.stringify(raw)} is not one of ${LABELS.join(", ")}`,
    );
    return raw;
  }
  if (label !== raw) {
    list.add(row, columns.label, "LABEL_SPELLING", `label ${JSON.stringify(raw)} read as ${label}`);
  }
  if (classLabel !== null && classLabel !== CLASS_LABEL_CODES[label]) {
    list.add(
      row,
      columns.classLabel,
      "CLASS_LABEL_MISMATCH",
      `class_label ${classLabel} disagrees with ${label} (${CLASS_LABEL_CODES[label]}); the label column wins`,
    );
  }
  return label;
}

/** Validates rows one at a time, as a reader produces them; `finish` gives the report. */
export class RowValidator {
  private readonly columns: SourceColumns;
  private readonly match: LabelMatcher;
  private readonly list = new IssueList();
  private readonly labelCounts: Record<string, number> = {};
  private readonly unknownLabels: Record<string, number> = {};
  private rows = 0;

  constructor(options: ValidationOptions = {}) {
    this.columns = sourceColumns(options);
    this.match = labelMatcher(options.labelMap ?? {}, options.normaliseLabels ?? true);
  }

  add(row: RawRow): void {
    this.addRead(row.row, textState(row.text), row.label, row.classLabel);
  }

  /** A row as chunk-read.ts gives it: its number, text state (RAW_NULL / RAW_BLANK / 0), label and class label. */
  addRead(row: number, state: number, raw: string | null, classLabel: number | null): void {
    this.rows++;
    checkText(row, state, this.columns.text, this.list);
    const label = checkLabel(row, raw, classLabel, this.columns, this.match, this.list);
    if (label === null) return;
    this.labelCounts[label] = (this.labelCounts[label] ?? 0) + 1;
    if (raw !== null && this.match(raw) === null)
      this.unknownLabels[label] = (this.unknownLabels[label] ?? 0) + 1;
  }

  /** The report, with the reader's own issues (found while parsing) listed first. */
  finish(readerIssues: readonly DataIssue[] = []): ValidationReport {
    const { issues, counts } = this.list;
    return {
      rows: this.rows,
      issues: readerIssues.length > 0 ? [...readerIssues, ...issues] : issues,
      issueCounts: counts,
      labelCounts: this.labelCounts,
      unknownLabels: this.unknownLabels,
    };
  }
}

export function validateRows(rows: readonly RawRow[], options: ValidationOptions = {}): ValidationReport {
  const validator = new RowValidator(options);
  for (const row of rows) validator.add(row);
  return validator.finish();
}

export function validateDataset(dataset: Dataset, options: ValidationOptions = {}): ValidationReport {
  const validator = new RowValidator(options);
  for (const row of dataset.rows) validator.add(row);
  return validator.finish(dataset.issues);
}

/** Throws DATA_UNKNOWN_LABELS, naming each unknown label with its count, with every issue attached. */
export function assertValid(report: ValidationReport, source: string): void {
  const unknown = Object.entries(report.unknownLabels).sort((a, b) => b[1] - a[1]);
  if (unknown.length === 0) return;
  const listed = unknown.map(([label, count]) => `${JSON.stringify(label)} (${count} rows)`).join(", ");
  throw siftErrorWithDetails("DATA_UNKNOWN_LABELS", report, source, listed, LABELS.join(", "));
}
