/** Reads labelled rows from a SQLite database file (a plain source, or a decoded package). */
import { DatabaseSync } from "node:sqlite";
import { siftError } from "../errors.ts";
import { type ChunkSink, planChunks } from "./chunk-read.ts";
import { type ChunkWorker, readChunksInParallel } from "./parallel-read.ts";
import { Interner, numberOrNull, requireColumns, type SourceColumns, textOrNull } from "./source-columns.ts";
import { quoteIdent, scanTable } from "./sqlite-scan.ts";
import type { RawRow } from "./types.ts";

export interface SqliteRows {
  readonly columns: readonly string[];
  readonly rows: readonly RawRow[];
}

/** Receives rows one at a time, in the source's order. */
export type RowSink = (row: RawRow) => void;

/** Opens the database and checks the table and columns; throws DATA_NO_TABLE / DATA_NO_COLUMN. */
function openChecked(dbPath: string, columns: SourceColumns): { db: DatabaseSync; present: string[] } {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
      .all()
      .map((r) => String(r.name));
    if (!tables.includes(columns.table)) {
      throw siftError("DATA_NO_TABLE", columns.table, tables.length > 0 ? tables.join(", ") : "none");
    }
    const present = db
      .prepare(`PRAGMA table_info(${quoteIdent(columns.table)})`)
      .all()
      .map((r) => String(r.name));
    requireColumns(columns.table, present, columns);
    return { db, present };
  } catch (error) {
    db.close();
    throw error;
  }
}

function selectList(columns: SourceColumns, present: readonly string[]): string {
  const classLabel = present.includes(columns.classLabel) ? quoteIdent(columns.classLabel) : "NULL";
  return `${quoteIdent(columns.text)}, ${quoteIdent(columns.label)}, ${classLabel}`;
}

/**
 * Streams the rows of `columns.table` to `sink` without holding them, and returns the table's
 * columns. Throws DATA_NO_TABLE / DATA_NO_COLUMN before the first row, DATA_NO_ROWS after none.
 */
export function forEachSqliteRow(
  dbPath: string,
  columns: SourceColumns,
  source: string,
  sink: RowSink,
): readonly string[] {
  const { db, present } = openChecked(dbPath, columns);
  try {
    const count = selectRows(db, columns, present, sink);
    if (count === 0) throw siftError("DATA_NO_ROWS", source);
    return present;
  } finally {
    db.close();
  }
}

/**
 * As `forEachSqliteRow`, but a table large enough (see chunk-read.ts) is read and cleaned in
 * chunks by two threads and handed to `chunks` in order instead of row by row to `sink`; `early`
 * is a worker already started for it (the caller stops it when the table is read in one pass).
 */
export async function streamSqliteRows(
  dbPath: string,
  columns: SourceColumns,
  source: string,
  sink: RowSink,
  chunks: ChunkSink,
  early?: ChunkWorker,
): Promise<readonly string[]> {
  const { db, present } = openChecked(dbPath, columns);
  try {
    const plan = planChunks(db, columns.table, selectList(columns, present), present);
    if (plan !== null) {
      await readChunksInParallel(db, dbPath, source, plan, chunks, { early });
      return present;
    }
    const count = selectRows(db, columns, present, sink);
    if (count === 0) throw siftError("DATA_NO_ROWS", source);
    return present;
  } finally {
    db.close();
  }
}

export function readSqliteRows(dbPath: string, columns: SourceColumns, source: string): SqliteRows {
  const rows: RawRow[] = [];
  const present = forEachSqliteRow(dbPath, columns, source, (row) => rows.push(row));
  return { columns: present, rows };
}

function selectRows(
  db: DatabaseSync,
  columns: SourceColumns,
  present: readonly string[],
  sink: RowSink,
): number {
  const labels = new Interner();
  let row = 0;
  return scanTable(db, columns.table, selectList(columns, present), present, (values, at) => {
    const label = textOrNull(values[at + 1]);
    sink({
      row: ++row,
      text: textOrNull(values[at]),
      label: label === null ? null : labels.get(label),
      classLabel: numberOrNull(values[at + 2]),
    });
  });
}
