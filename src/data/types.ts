/** The data layer's contract: what readers produce, what cleaning returns, what a split is. */

/** One row as read from a source, before any cleaning. `row` is 1-based in the source's order. */
export interface RawRow {
  readonly row: number;
  readonly text: string | null;
  readonly label: string | null;
  /** The optional numeric label column (`class_label`), cross-checked against `label`. */
  readonly classLabel: number | null;
}

export type SourceFormat = "package" | "sqlite" | "csv" | "jsonl";

export interface SourceOptions {
  /** Table holding the rows in SQLite sources. Default "data". */
  readonly table?: string;
  readonly textColumn?: string; // default "text"
  readonly labelColumn?: string; // default "choose_one"
  readonly classLabelColumn?: string; // default "class_label"; absent column is fine
}

/** A problem found in the data, collected rather than thrown (after Zod's issues list). */
export interface DataIssue {
  readonly row: number | null;
  readonly column: string | null;
  readonly code: string;
  readonly message: string;
}

export interface Dataset {
  readonly source: string;
  readonly format: SourceFormat;
  readonly columns: readonly string[];
  readonly rows: readonly RawRow[];
  readonly issues: readonly DataIssue[];
}

/** The three labels of the seed data, canonical spelling. Binary target: Relevant vs the rest. */
export const RELEVANT = "Relevant";
export const NOT_RELEVANT = "Not Relevant";
export const CANT_DECIDE = "Can't Decide";
export type Label = typeof RELEVANT | typeof NOT_RELEVANT | typeof CANT_DECIDE;

/** A row after cleaning: the text the model sees, its label, and the key duplicates share. */
export interface CleanRow {
  readonly text: string;
  readonly label: Label;
  /** Normalised text used to find duplicates and to group splits. */
  readonly key: string;
  /** Source rows merged into this one (duplicates collapse). */
  readonly sourceRows: readonly number[];
}

export interface StepReport {
  readonly step: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  /** Rows or fields changed (not only dropped), by reason. */
  readonly counts: Readonly<Record<string, number>>;
  readonly examples: ReadonlyArray<{ readonly reason: string; readonly before: string; readonly after: string }>;
}

export interface CleaningReport {
  readonly steps: readonly StepReport[];
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly labelCounts: Readonly<Record<string, number>>;
  /** Rows set aside by the "Can't Decide" policy, counted here, not trained on. */
  readonly undecided: number;
}

export interface Split<T = CleanRow> {
  readonly train: readonly T[];
  readonly validation: readonly T[];
  readonly test: readonly T[];
}
