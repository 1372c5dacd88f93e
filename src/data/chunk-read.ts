/**
 * Reading a large SQLite table in chunks of its rowid range, each chunk read and its texts cleaned
 * on its own, so two threads can share the work. A chunk's result is columnar plain data (arrays
 * of strings, typed arrays, the text pass's tallies; see chunk-slots.ts for how it crosses
 * threads), and merged in chunk order it gives the rows, numbers and reports that one pass over the table gives.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { seededHash } from "./group-allocation.ts";
import { normalisedKey } from "./normalised-key.ts";
import { numberOrNull, textOrNull } from "./source-columns.ts";
import { quoteIdent, readsInChunks } from "./sqlite-scan.ts";
import type { TallySnapshot } from "./step-report.ts";
import { TextPass, type TextTransform, textTransforms } from "./text-transforms.ts";
import type { CleaningConfig } from "./types.ts";

/** Rowids per chunk: large enough that a chunk's message costs little, small enough to share the work evenly. */
export const CHUNK_ROWIDS = 4096;
/** Below this many rowids (rows, when they are dense) a second thread costs more (its start-up) than it saves. */
export const PARALLEL_THRESHOLD = 100_000;
/**
 * Rowid ranges wider than this are read in one pass: chunks are cut by rowid, not counted, so a
 * sparse range would mean many empty chunks (this many rowids make at most 16,384 chunks).
 */
const MAX_SPAN = CHUNK_ROWIDS * 16_384;

/** Bits of `ChunkResult.state`. */
export const RAW_NULL = 1;
/** The raw text is not NULL but blank (what validation reports as EMPTY_TEXT). */
export const RAW_BLANK = 2;

/** How a table is cut into chunks: rowids `first + k·width` up to the next chunk's first. */
export interface ChunkPlan {
  readonly table: string;
  /** The selected columns (text, label, class label), as SQL. */
  readonly list: string;
  readonly rowid: string;
  readonly first: number;
  readonly width: number;
  readonly chunks: number;
}

export interface ChunkResult {
  readonly rows: number;
  /** The cleaned text per row (null where the text is NULL). */
  readonly texts: (string | null)[];
  /** The normalised key of each cleaned text that is not blank ("" for the others). */
  readonly keys: string[];
  /** `seededHash(key, 0)` per row (0 where there is no key). */
  readonly keyHashes: Uint32Array;
  /** RAW_NULL / RAW_BLANK per row. */
  readonly state: Uint8Array;
  /** Characters in the raw text (0 for NULL). */
  readonly rawLengths: Uint32Array;
  /** 0 for a NULL label, else 1 + the label's index in `labelNames`. */
  readonly labels: Uint16Array;
  readonly labelNames: string[];
  /** The class label column (NaN for NULL). */
  readonly classLabels: Float64Array;
  /** The text pass's tallies over this chunk, one per transform. */
  readonly tallies: TallySnapshot[];
}

/** `chunk` with its typed-array columns copied out of the slot they were read into (slots are reused). */
export function copiedChunk(chunk: ChunkResult): ChunkResult {
  return {
    ...chunk,
    keyHashes: chunk.keyHashes.slice(),
    state: chunk.state.slice(),
    rawLengths: chunk.rawLengths.slice(),
    labels: chunk.labels.slice(),
    classLabels: chunk.classLabels.slice(),
  };
}

/** The typed-array columns of a chunk of `n` rows (fresh arrays, or views of a shared slot). */
export interface ChunkColumns {
  readonly keyHashes: Uint32Array;
  readonly state: Uint8Array;
  readonly rawLengths: Uint32Array;
  readonly labels: Uint16Array;
  readonly classLabels: Float64Array;
}

/** New column arrays for `n` rows. */
export function columnArrays(n: number): ChunkColumns {
  return {
    keyHashes: new Uint32Array(n),
    state: new Uint8Array(n),
    rawLengths: new Uint32Array(n),
    labels: new Uint16Array(n),
    classLabels: new Float64Array(n),
  };
}

/** The first `n` rows of `columns`, zeroed (for a reused set of arrays). */
export function columnViews(columns: ChunkColumns, n: number): ChunkColumns {
  return {
    keyHashes: columns.keyHashes.subarray(0, n).fill(0),
    state: columns.state.subarray(0, n).fill(0),
    rawLengths: columns.rawLengths.subarray(0, n).fill(0),
    labels: columns.labels.subarray(0, n).fill(0),
    classLabels: columns.classLabels.subarray(0, n).fill(0),
  };
}

/**
 * Receives the chunks of a table in order; `config` is the cleaning the chunks' texts get. A
 * chunk's typed arrays may be reused once `add` returns: keep copies, not the arrays.
 */
export interface ChunkSink {
  readonly config: CleaningConfig;
  add(chunk: ChunkResult): void;
}

function scalar(db: DatabaseSync, sql: string): unknown {
  const row = db.prepare(sql).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

/**
 * The chunk plan for `table`, or null when one pass is the way to read it: not in rowid order, or
 * a rowid range narrower than `threshold` (too few rows to pay for a thread) or wider than MAX_SPAN.
 * The range is read from the ends of the rowid b-tree: counting the rows would read them all.
 */
export function planChunks(
  db: DatabaseSync,
  table: string,
  list: string,
  columns: readonly string[],
  threshold = PARALLEL_THRESHOLD,
): ChunkPlan | null {
  const rowid = readsInChunks(db, table, list, columns);
  if (rowid === null) return null;
  const from = quoteIdent(table);
  const first = scalar(db, `SELECT min(${rowid}) FROM ${from}`);
  const last = scalar(db, `SELECT max(${rowid}) FROM ${from}`);
  if (typeof first !== "number" || typeof last !== "number") return null;
  const span = last - first + 1;
  if (!Number.isSafeInteger(span) || span < threshold || span > MAX_SPAN) return null;
  return { table, list, rowid, first, width: CHUNK_ROWIDS, chunks: Math.ceil(span / CHUNK_ROWIDS) };
}

/** Reads and cleans chunks of a plan; one per thread, each with its own connection. */
export class ChunkReader {
  private readonly plan: ChunkPlan;
  private readonly statement: StatementSync;
  private readonly transforms: TextTransform[];

  constructor(db: DatabaseSync, plan: ChunkPlan, config: CleaningConfig) {
    this.plan = plan;
    const { rowid, list, table } = plan;
    this.statement = db.prepare(
      `SELECT ${list} FROM ${quoteIdent(table)} WHERE ${rowid} >= ? AND ${rowid} < ? ORDER BY ${rowid}`,
    );
    this.statement.setReturnArrays(true);
    this.transforms = textTransforms(config);
  }

  /** Chunk `index`; `columns` gives the arrays to fill (zeroed), by default new ones. */
  read(index: number, columns: (n: number) => ChunkColumns = columnArrays): ChunkResult {
    const from = this.plan.first + index * this.plan.width;
    const values = this.statement.all(from, from + this.plan.width) as unknown as unknown[][];
    const n = values.length;
    const pass = new TextPass(this.transforms);
    const texts: (string | null)[] = new Array(n);
    const keys: string[] = new Array(n);
    const { keyHashes, state, rawLengths, labels, classLabels } = columns(n);
    const labelNames: string[] = [];
    const labelCodes = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const row = values[i] as unknown[];
      const raw = textOrNull(row[0]);
      let text: string | null = null;
      let key = "";
      if (raw === null) state[i] = RAW_NULL;
      else {
        rawLengths[i] = raw.length;
        if (raw.trim() === "") state[i] = RAW_BLANK;
        text = pass.apply(raw);
        if (text.trim() !== "") {
          key = normalisedKey(text);
          keyHashes[i] = seededHash(key, 0);
        }
      }
      texts[i] = text;
      keys[i] = key;
      const label = textOrNull(row[1]);
      if (label !== null) {
        let code = labelCodes.get(label);
        if (code === undefined) {
          labelNames.push(label);
          code = labelNames.length;
          labelCodes.set(label, code);
        }
        labels[i] = code;
      }
      classLabels[i] = numberOrNull(row[2]) ?? Number.NaN;
    }
    return {
      rows: n,
      texts,
      keys,
      keyHashes,
      state,
      rawLengths,
      labels,
      labelNames,
      classLabels,
      tallies: pass.snapshot(),
    };
  }
}
