/** Chunked SQLite reads give the rows and order of a plain scan, or fall back to one. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { CHUNK_ROWS, readsInChunks, scanTable } from "./sqlite-scan.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sift-scan-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A database built by `setup`, scanned both ways: through scanTable, and by a plain SELECT. */
interface BothWays {
  readonly scanned: unknown[];
  readonly plain: unknown[];
  /** The rowid the chunked read keys on, or null when it fell back to a plain scan. */
  readonly chunkedBy: string | null;
}

function scanBothWays(name: string, setup: string, table = "data"): BothWays {
  const db = new DatabaseSync(join(dir, `${name}.db`));
  try {
    db.exec(setup);
    const columns = db
      .prepare(`PRAGMA table_info("${table}")`)
      .all()
      .map((r) => String(r.name));
    const scanned: unknown[] = [];
    const count = scanTable(db, table, '"text", "label"', columns, (values, at) =>
      scanned.push([values[at], values[at + 1]]),
    );
    assert.equal(count, scanned.length);
    const plain = db.prepare(`SELECT "text", "label" FROM "${table}"`);
    plain.setReturnArrays(true);
    const chunkedBy = readsInChunks(db, table, '"text", "label"', columns);
    return { scanned, plain: plain.all(), chunkedBy };
  } finally {
    db.close();
  }
}

const MANY = 2 * CHUNK_ROWS + 17;
/** Inserts MANY rows with rowids out of insertion order, gaps and negatives. */
const fill = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${MANY})
  INSERT INTO data (rowid, "text", "label") SELECT (i * 7919) % 100003 - 50000, 't' || i, i % 3 FROM n;`;

describe("scanTable", () => {
  test("a rowid table longer than several chunks: every row once, in the plain scan's order", () => {
    const { scanned, plain, chunkedBy } = scanBothWays(
      "rowid",
      `CREATE TABLE data ("text" TEXT, "label" TEXT); ${fill}`,
    );
    assert.equal(chunkedBy, "rowid");
    assert.equal(scanned.length, MANY);
    assert.deepEqual(scanned, plain);
  });

  test("a covering index the planner prefers: the plain scan's (index) order is kept", () => {
    const { scanned, plain, chunkedBy } = scanBothWays(
      "covering",
      `CREATE TABLE data ("text" TEXT, "label" TEXT, pad TEXT); ${fill.replace('"label")', '"label", pad)').replace("i % 3 FROM", "i % 3, zeroblob(200) FROM")}
       CREATE INDEX by_label ON data ("label", "text");`,
    );
    assert.equal(chunkedBy, null, "the planner scans the index, so chunks by rowid would change the order");
    assert.equal(scanned.length, MANY);
    assert.deepEqual(scanned, plain);
  });

  test("a column named rowid, a WITHOUT ROWID table and a view are read as they are", () => {
    const shadow = scanBothWays(
      "shadow",
      `CREATE TABLE data (rowid TEXT, "text" TEXT, "label" TEXT);
       INSERT INTO data VALUES ('b', 'x', '1'), ('a', 'y', '2'), ('c', 'z', '3');`,
    );
    assert.equal(shadow.chunkedBy, "_rowid_");
    assert.deepEqual(shadow.scanned, shadow.plain);
    const withoutRowid = scanBothWays(
      "without",
      `CREATE TABLE data ("text" TEXT PRIMARY KEY, "label" TEXT) WITHOUT ROWID;
       INSERT INTO data VALUES ('b', '1'), ('a', '2'), ('c', '3');`,
    );
    assert.equal(withoutRowid.chunkedBy, null);
    assert.deepEqual(withoutRowid.scanned, [
      ["a", "2"],
      ["b", "1"],
      ["c", "3"],
    ]);
    const view = scanBothWays(
      "view",
      `CREATE TABLE base ("text" TEXT, "label" TEXT); INSERT INTO base VALUES ('p', '1'), ('q', '2');
       CREATE VIEW data AS SELECT "text", "label" FROM base ORDER BY "text" DESC;`,
    );
    assert.equal(view.chunkedBy, null);
    assert.deepEqual(view.scanned, [
      ["q", "2"],
      ["p", "1"],
    ]);
  });

  test("an empty table gives no rows", () => {
    const { scanned } = scanBothWays("empty", `CREATE TABLE data ("text" TEXT, "label" TEXT);`);
    assert.deepEqual(scanned, []);
  });
});
