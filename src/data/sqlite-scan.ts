/**
 * Scanning a SQLite table in its stored order. `node:sqlite`'s `iterate()` crosses from C++ to
 * JavaScript once per row; reading the same order in chunks of a few thousand rows (`all()`, keyed
 * on the rowid) crosses once per chunk and reads a million rows markedly faster. The chunked read
 * is used only when it gives exactly the rows and order of a plain scan: a rowid table scanned in
 * rowid order (no covering index chosen, not a view or WITHOUT ROWID table) with rowids that are
 * exact JavaScript numbers.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";

export const CHUNK_ROWS = 4096;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A name for the rowid that no column shadows, or null. */
function rowidName(columns: readonly string[]): string | null {
  const taken = new Set(columns.map((c) => c.toLowerCase()));
  return ["rowid", "_rowid_", "oid"].find((name) => !taken.has(name)) ?? null;
}

function isPlainRowidScan(db: DatabaseSync, table: string, select: string, rowid: string): boolean {
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${select}`).all();
  if (plan.length !== 1 || plan[0]?.detail !== `SCAN ${table}`) return false;
  try {
    const safe = db
      .prepare(
        // Two subqueries, so SQLite answers each from the ends of the rowid b-tree (max and min in
        // one query would scan the whole table).
        `SELECT coalesce((SELECT max(${rowid}) FROM ${quoteIdent(table)}) <= 9007199254740991 AND (SELECT min(${rowid}) FROM ${quoteIdent(table)}) >= -9007199254740991, 1) AS safe`,
      )
      .get();
    return safe?.safe === 1;
  } catch {
    return false; // no rowid (WITHOUT ROWID)
  }
}

/** The rowid name to read `list` from `table` in chunks by, or null when only a plain scan is exact. */
export function readsInChunks(
  db: DatabaseSync,
  table: string,
  list: string,
  columns: readonly string[],
): string | null {
  const rowid = rowidName(columns);
  if (rowid === null) return null;
  return isPlainRowidScan(db, table, `SELECT ${list} FROM ${quoteIdent(table)}`, rowid) ? rowid : null;
}

/** The chunk statements (first chunk, then each next one after a rowid), or null for a plain scan. */
function chunkStatements(
  db: DatabaseSync,
  table: string,
  list: string,
  columns: readonly string[],
): { first: StatementSync; next: StatementSync } | null {
  const rowid = readsInChunks(db, table, list, columns);
  if (rowid === null) return null;
  const from = quoteIdent(table);
  const select = `SELECT ${rowid}, ${list} FROM ${from}`;
  return {
    first: db.prepare(`${select} ORDER BY ${rowid} LIMIT ${CHUNK_ROWS}`),
    next: db.prepare(`${select} WHERE ${rowid} > ? ORDER BY ${rowid} LIMIT ${CHUNK_ROWS}`),
  };
}

/**
 * Calls `visit` with each row's values in the table's scan order and returns the number of rows:
 * the values of `list` are `values[at]`, `values[at + 1]`, … (no copy per row). `columns` are the
 * table's columns (to find a rowid name they do not shadow).
 */
export function scanTable(
  db: DatabaseSync,
  table: string,
  list: string,
  columns: readonly string[],
  visit: (values: readonly unknown[], at: number) => void,
): number {
  const chunks = chunkStatements(db, table, list, columns);
  if (chunks === null) {
    const statement = db.prepare(`SELECT ${list} FROM ${quoteIdent(table)}`);
    statement.setReturnArrays(true);
    let count = 0;
    for (const values of statement.iterate() as Iterable<unknown[]>) {
      visit(values, 0);
      count++;
    }
    return count;
  }
  chunks.first.setReturnArrays(true);
  chunks.next.setReturnArrays(true);
  let count = 0;
  let rows = chunks.first.all() as unknown as unknown[][];
  while (rows.length > 0) {
    for (const values of rows) visit(values, 1);
    count += rows.length;
    if (rows.length < CHUNK_ROWS) break;
    const last = rows[rows.length - 1]?.[0] as number;
    rows = chunks.next.all(last) as unknown as unknown[][];
  }
  return count;
}
