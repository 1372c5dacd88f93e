/**
 * What the pipeline needs from the data, learn and registry modules, in its own words. One file
 * (`toolkit.ts`) binds these to the real modules, so the orchestration reads as the steps it runs
 * and tests can swap a step (a failing store, a fixed clock) without touching the rest.
 */
import type { CleaningReport, CleanRow, Split } from "../data/index.ts";
import type { ClassifierSpec, SavedClassifier, TextClassifier } from "../learn/index.ts";
import type { PipelineConfig } from "./config-schema.ts";

export interface PreparedData {
  /** The source as the user named it. */
  readonly source: string;
  readonly rows: readonly CleanRow[];
  readonly report: CleaningReport;
  /** sha256 of the cleaned rows. */
  readonly fingerprint: string;
}

export interface SearchResult {
  /** The spec to fit on the whole training split. */
  readonly best: ClassifierSpec;
  /** The chosen values of the searched parameters. */
  readonly bestParams: Readonly<Record<string, unknown>>;
  /** The best spec already fitted on every training row, when the search did it (learn's refit). */
  readonly model?: TextClassifier;
  /** Every candidate's mean CV score, for the report. */
  readonly candidates: ReadonlyArray<{
    readonly params: Readonly<Record<string, unknown>>;
    readonly score: number;
  }>;
}

export type ProgressFn = (fraction: number, detail: string) => void;

export interface Toolkit {
  prepareData(config: PipelineConfig["data"], source: string): Promise<PreparedData>;
  splitRows(rows: readonly CleanRow[], ratios: PipelineConfig["split"], seed: number): Split;
  defaultSpec(): ClassifierSpec;
  search(input: {
    readonly spec: ClassifierSpec;
    readonly grid: Readonly<Record<string, readonly unknown[]>>;
    readonly rows: readonly CleanRow[];
    readonly folds: number;
    readonly metric: string;
    readonly seed: number;
    readonly onProgress: ProgressFn;
  }): Promise<SearchResult>;
  fit(
    spec: ClassifierSpec,
    texts: readonly string[],
    y: Uint8Array,
    seed: number,
    onProgress: ProgressFn,
  ): Promise<TextClassifier>;
  loadClassifier(saved: SavedClassifier): TextClassifier;
  chooseThreshold(y: Uint8Array, scores: Float64Array, rule: PipelineConfig["threshold"]): number;
}
