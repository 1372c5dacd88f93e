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
  readonly examples: ReadonlyArray<{
    readonly reason: string;
    readonly before: string;
    readonly after: string;
  }>;
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

/** What cleaning does with URLs: keep them, replace each with a placeholder token, or strip them. */
export type EntityPolicy = "keep" | "token" | "strip";
/** Mentions and hashtags may also keep only their word, without the `@` or `#`. */
export type SigilPolicy = EntityPolicy | "word";
/** "Can't Decide" rows: left out (counted), folded into Not Relevant, or kept as their own label. */
export type CantDecidePolicy = "exclude" | "not-relevant" | "keep";
/** Duplicates that disagree: the majority label wins (ties dropped), or every such group is dropped. */
export type ConflictPolicy = "majority" | "drop";

export interface CleaningConfig {
  readonly nfkc: boolean;
  readonly repairMojibake: boolean;
  readonly removeReplacementChar: boolean;
  readonly decodeHtmlEntities: boolean;
  readonly urls: EntityPolicy;
  readonly mentions: SigilPolicy;
  readonly hashtags: SigilPolicy;
  readonly collapseWhitespace: boolean;
  /** Trim, collapse and case-fold labels before matching them to the canonical three. */
  readonly normaliseLabels: boolean;
  readonly dedupe: boolean;
  readonly conflicts: ConflictPolicy;
  readonly cantDecide: CantDecidePolicy;
  /** Extra spellings mapped to a canonical label, e.g. `{ "1": "Relevant", "irrelevant": "Not Relevant" }`. */
  readonly labelMap: Readonly<Record<string, Label>>;
}

/** What validation found, without throwing: the caller decides what is fatal. */
export interface ValidationReport {
  readonly rows: number;
  readonly issues: readonly DataIssue[];
  /** Issue counts by code. */
  readonly issueCounts: Readonly<Record<string, number>>;
  /** Rows per label after label normalisation (unknown labels under their raw spelling). */
  readonly labelCounts: Readonly<Record<string, number>>;
  /** Labels that match none of the canonical three (nor the label map), with their counts. */
  readonly unknownLabels: Readonly<Record<string, number>>;
}

export interface SplitOptions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
}

/** The phases of `prepareData`, in order; reading, validating and cleaning are one streamed pass. */
export type PreparePhase = "unpack" | "read" | "fingerprint";

export interface PrepareOptions extends SourceOptions {
  readonly cleaning?: Partial<CleaningConfig>;
  /**
   * Keep the raw rows in `dataset.rows` (default true). A caller that needs only the clean rows,
   * the reports and the counts passes false: rows are then cleaned as they are read and dropped,
   * so a large source needs far less memory (`dataset.rows` is then empty).
   */
  readonly keepRawRows?: boolean;
  /**
   * Run the text transforms in a worker thread while this thread reads (sources of 50,000 rows or
   * more; same result). Off by default: it takes about 80 MB more memory and more CPU in all, and
   * only pays when a second core is free (see bench:data).
   */
  readonly offloadText?: boolean;
  /**
   * Read and clean a large SQLite source or package (100,000 rows or more, rowids not sparse) in
   * two threads — this one and a worker, each taking chunks of the rowid range — when the raw rows
   * are not kept (default true; same rows, order, reports and fingerprint as one thread). Uses
   * the second core and about 40 MB more memory; false reads in this thread only. `offloadText`
   * turns it off.
   */
  readonly parallelRead?: boolean;
  /** Called as each phase starts ("unpack" for packages only), e.g. to show progress or time them. */
  readonly onPhase?: (phase: PreparePhase) => void;
}

/** Summary statistics of text lengths (characters). */
export interface LengthStats {
  readonly min: number;
  readonly p50: number;
  readonly mean: number;
  readonly p95: number;
  readonly max: number;
}

export interface PreparedData {
  readonly dataset: Dataset;
  readonly validation: ValidationReport;
  /** Cleaned rows that train and evaluate (the "Can't Decide" policy applied). */
  readonly rows: readonly CleanRow[];
  readonly report: CleaningReport;
  /** sha256 of the cleaned rows in canonical order, hex. */
  readonly fingerprint: string;
  /** Characters per raw text (NULL counts as 0), kept even when the raw rows are not. */
  readonly rawTextLength: LengthStats;
}
