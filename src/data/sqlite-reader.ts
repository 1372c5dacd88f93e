/** Reads labelled rows from a SQLite database file (a plain source, or a decoded package). */
import { DatabaseSync } from "node:sqlite";
import { siftError } from "../errors.ts";
import { Interner, numberOrNull, requireColumns, type SourceColumns, textOrNull } from "./source-columns.ts";
import { quoteIdent, scanTable } from "./sqlite-scan.ts";
import type { RawRow } from "./types.ts";

export interface SqliteRows {
  readonly columns: readonly string[];
  readonly rows: readonly RawRow[];
}

/** Receives rows one at a time, in the source's order. */
export type RowSink = (row: RawRow) => void;

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
  const classLabel = present.includes(columns.classLabel) ? quoteIdent(columns.classLabel) : "NULL";
  const list = `${quoteIdent(columns.text)}, ${quoteIdent(columns.label)}, ${classLabel}`;
  const labels = new Interner();
  let row = 0;
  return scanTable(db, columns.table, list, present, (values, at) => {
    const label = textOrNull(values[at + 1]);
    sink({
      row: ++row,
      text: textOrNull(values[at]),
      label: label === null ? null : labels.get(label),
      classLabel: numberOrNull(values[at + 2]),
    });
  });
}
