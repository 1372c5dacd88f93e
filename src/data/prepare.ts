/**
 * `prepareData`: read, validate, clean and fingerprint a source — what the pipeline trains on.
 * Rows are validated and cleaned as the reader produces them (one pass, no per-step arrays), and
 * kept raw only when the caller asks for them.
 */
import { siftErrorWithDetails } from "../errors.ts";
import type { ChunkResult, ChunkSink } from "./chunk-read.ts";
import { resolveCleaningConfig } from "./cleaning-config.ts";
import { fingerprint, fingerprintInOrder } from "./fingerprint.ts";
import { GrowableUint32 } from "./growable.ts";
import { sortedLengthStats } from "./inspect.ts";
import { type RowSink, type StreamedSource, streamSource } from "./read-source.ts";
import { type CleaningResult, RowCleaner } from "./row-cleaner.ts";
import { releaseScratch } from "./scratch.ts";
import { Interner } from "./source-columns.ts";
import type {
  CleaningConfig,
  CleaningReport,
  DataIssue,
  Dataset,
  LengthStats,
  PreparedData,
  PrepareOptions,
  RawRow,
  ValidationReport,
} from "./types.ts";
import { assertValid, RowValidator } from "./validate.ts";

/** "9 rows in; dropped: text-empty 6, cant-decide-excluded 3" — why nothing was left. */
export function dropSummary(report: CleaningReport): string {
  const dropped = report.steps
    .filter((s) => s.rowsOut < s.rowsIn)
    .flatMap((s) => Object.entries(s.counts).map(([reason, n]) => `${reason} ${n}`));
  return `${report.rowsIn} rows in; ${dropped.length > 0 ? `dropped: ${dropped.join(", ")}` : "none dropped"}`;
}

interface Checked {
  readonly validation: ValidationReport;
  readonly cleaned: CleaningResult;
  readonly rawTextLength: LengthStats;
  /** The clean rows' canonical order when cleaning already sorted them (saves the fingerprint a sort). */
  readonly canonical: Uint32Array | null;
}

/** One row at a time: validated, cleaned, measured, and kept raw only when asked. */
class Preparation {
  readonly raw: RawRow[] | null;
  private readonly validator: RowValidator;
  private readonly cleaner: RowCleaner;
  /** Characters per raw text: enough for the length statistics when the rows are not kept. */
  private readonly lengths = new GrowableUint32();
  /** Rows taken so far through `addChunk` (chunks number their rows from 1, in order). */
  private rowsRead = 0;
  /** One string per distinct label across chunks, as the row-by-row reader keeps them. */
  private readonly labelNames = new Interner();

  constructor(config: CleaningConfig, options: PrepareOptions, keepRaw: boolean) {
    this.raw = keepRaw ? [] : null;
    this.validator = new RowValidator({ ...options, ...config });
    this.cleaner = new RowCleaner(config, { offload: options.offloadText === true });
  }

  add(row: RawRow): void {
    this.validator.add(row);
    this.cleaner.add(row);
    this.lengths.push(row.text?.length ?? 0);
    this.raw?.push(row);
  }

  /** Rows already read, cleaned and keyed in a chunk (chunk-read.ts), next in the source's order. */
  addChunk(chunk: ChunkResult): void {
    const { texts, keys, keyHashes, state, rawLengths, labels, classLabels } = chunk;
    const names = chunk.labelNames.map((name) => this.labelNames.get(name));
    this.cleaner.absorbTextTallies(chunk.tallies);
    for (let i = 0; i < chunk.rows; i++) {
      const row = ++this.rowsRead;
      const code = labels[i] as number;
      const label = code === 0 ? null : (names[code - 1] as string);
      const classLabel = classLabels[i] as number;
      this.validator.addRead(row, state[i] as number, label, Number.isNaN(classLabel) ? null : classLabel);
      this.cleaner.addCleaned(row, label, texts[i] ?? null, keys[i] as string, keyHashes[i] as number);
      this.lengths.push(rawLengths[i] as number);
    }
  }

  /** Throws what is fatal: unknown labels first, then nothing usable left after cleaning. */
  check(source: string, readerIssues: readonly DataIssue[]): Checked {
    const validation = this.validator.finish(readerIssues);
    assertValid(validation, source);
    const cleaned = this.cleaner.finish();
    if (cleaned.rows.length === 0) {
      throw siftErrorWithDetails("DATA_NO_USABLE_ROWS", cleaned.report, source, dropSummary(cleaned.report));
    }
    const canonical = this.cleaner.canonicalOrder();
    // The lengths are sorted where they are: nothing reads them in row order after this.
    return { validation, cleaned, rawTextLength: sortedLengthStats(this.lengths.view()), canonical };
  }
}

function prepared(dataset: Dataset, checked: Checked, options: PrepareOptions): PreparedData {
  const { validation, cleaned, rawTextLength, canonical } = checked;
  options.onPhase?.("fingerprint");
  const hash = canonical === null ? fingerprint(cleaned.rows) : fingerprintInOrder(cleaned.rows, canonical);
  if (canonical !== null) releaseScratch(canonical);
  return {
    dataset: { ...dataset, issues: validation.issues },
    validation,
    rows: cleaned.rows,
    report: cleaned.report,
    fingerprint: hash,
    rawTextLength,
  };
}

/** Validates and cleans rows already read; throws the catalogued error when nothing usable is left. */
export function prepareDataset(dataset: Dataset, options: PrepareOptions = {}): PreparedData {
  const preparation = new Preparation(resolveCleaningConfig(options.cleaning), options, false);
  for (const row of dataset.rows) preparation.add(row);
  const checked = preparation.check(dataset.source, dataset.issues);
  return prepared({ ...dataset, rows: options.keepRawRows === false ? [] : dataset.rows }, checked, options);
}

/**
 * Reads a source, handing each row to the sink (or, given `chunks` and a source that can, chunks
 * of rows read and cleaned in two threads); says what the source was.
 */
export type StreamReader = (sink: RowSink, chunks?: ChunkSink) => Promise<StreamedSource>;

/**
 * Streams a source through validation and cleaning. A bad cleaning config is reported after the
 * source has been read, as it always was: a missing or broken source is the first thing to fix.
 */
export async function streamChecked(
  source: string,
  read: StreamReader,
  options: PrepareOptions,
): Promise<Dataset & Checked> {
  let config: CleaningConfig | undefined;
  let configError: unknown;
  try {
    config = resolveCleaningConfig(options.cleaning);
  } catch (error) {
    configError = error;
  }
  const keepRaw = options.keepRawRows ?? true;
  const preparation = config === undefined ? undefined : new Preparation(config, options, keepRaw);
  // Chunks cleaned in two threads replace the row-by-row pass when nothing needs the raw rows.
  const chunks: ChunkSink | undefined =
    preparation === undefined || config === undefined || keepRaw || !parallelRead(options)
      ? undefined
      : { config, add: (chunk) => preparation.addChunk(chunk) };
  const streamed = await read((row) => preparation?.add(row), chunks);
  if (preparation === undefined) throw configError;
  const checked = preparation.check(source, streamed.issues);
  const { format, columns, issues } = streamed;
  return { source, format, columns, rows: preparation.raw ?? [], issues, ...checked };
}

/** Whether a large SQLite source may be read and cleaned in two threads (offloadText is the other way). */
function parallelRead(options: PrepareOptions): boolean {
  return options.parallelRead !== false && options.offloadText !== true;
}

export async function prepareData(source: string, options: PrepareOptions = {}): Promise<PreparedData> {
  const read: StreamReader = (sink, chunks) => streamSource(source, options, sink, { ...options, chunks });
  const { validation, cleaned, rawTextLength, canonical, ...dataset } = await streamChecked(
    source,
    read,
    options,
  );
  return prepared(dataset, { validation, cleaned, rawTextLength, canonical }, options);
}
