/** Reads labelled rows from a SQLite database file (a plain source, or a decoded package). */
import { DatabaseSync } from "node:sqlite";
import { siftError } from "../errors.ts";
import { Interner, numberOrNull, requireColumns, type SourceColumns, textOrNull } from "./source-columns.ts";
import type { RawRow } from "./types.ts";

export interface SqliteRows {
  readonly columns: readonly string[];
  readonly rows: readonly RawRow[];
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function readSqliteRows(dbPath: string, columns: SourceColumns, source: string): SqliteRows {
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
    const rows = selectRows(db, columns, present.includes(columns.classLabel));
    if (rows.length === 0) throw siftError("DATA_NO_ROWS", source);
    return { columns: present, rows };
  } finally {
    db.close();
  }
}

function selectRows(db: DatabaseSync, columns: SourceColumns, hasClassLabel: boolean): RawRow[] {
  const classLabel = hasClassLabel ? quoteIdent(columns.classLabel) : "NULL";
  const statement = db.prepare(
    `SELECT ${quoteIdent(columns.text)}, ${quoteIdent(columns.label)}, ${classLabel} FROM ${quoteIdent(columns.table)}`,
  );
  // Arrays, not objects: a million rows read noticeably faster and allocate less.
  statement.setReturnArrays(true);
  const labels = new Interner();
  const rows: RawRow[] = [];
  let row = 0;
  for (const values of statement.iterate() as Iterable<unknown[]>) {
    const label = textOrNull(values[1]);
    rows.push({
      row: ++row,
      text: textOrNull(values[0]),
      label: label === null ? null : labels.get(label),
      classLabel: numberOrNull(values[2]),
    });
  }
  return rows;
}
