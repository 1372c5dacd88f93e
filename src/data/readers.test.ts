import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { assertValid, NOT_RELEVANT, RELEVANT, readSource, validateDataset, validateRows } from "./index.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sift-readers-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const isCode = (code: string) => (e: Error & { code?: string }) => e.code === code;

describe("CSV", () => {
  test("RFC 4180: quoted commas, doubled quotes, newlines inside quotes, CRLF, BOM", async () => {
    const csv =
      '\uFEFFtext,choose_one,class_label\r\n"Fire, smoke and ""ash"" near town",Relevant,1\r\n"line one\r\nline two",Not Relevant,0\r\n';
    const dataset = await readSource(await file("a.csv", csv));
    assert.equal(dataset.format, "csv");
    assert.deepEqual(dataset.columns, ["text", "choose_one", "class_label"]);
    assert.deepEqual(
      dataset.rows.map((r) => [r.row, r.text, r.label, r.classLabel]),
      [
        [1, 'Fire, smoke and "ash" near town', RELEVANT, 1],
        [2, "line one\r\nline two", NOT_RELEVANT, 0],
      ],
    );
  });
  test("Windows-1252 bytes are detected and decoded", async () => {
    const bytes = Buffer.concat([
      Buffer.from("text,choose_one\n"),
      Buffer.from([0x93, 0x46, 0x69, 0x72, 0x65, 0x94, 0x20, 0x97, 0x20, 0x63, 0x61, 0x66, 0xe9]),
      Buffer.from(",Relevant\n"),
    ]);
    const dataset = await readSource(await file("cp1252.csv", bytes));
    assert.equal(dataset.rows[0]?.text, "“Fire” — café");
  });
  test("the file name does not decide the format", async () => {
    const dataset = await readSource(await file("rows.jsonl", "text,choose_one\nhello,Relevant\n"));
    assert.equal(dataset.format, "csv");
  });
  test("configurable column names; a missing column is named", async () => {
    const path = await file("cols.csv", "sentence,verdict\nhello,Relevant\n");
    const dataset = await readSource(path, { textColumn: "sentence", labelColumn: "verdict" });
    assert.equal(dataset.rows[0]?.text, "hello");
    await assert.rejects(readSource(path), (e: Error & { code?: string }) => {
      return e.code === "DATA_NO_COLUMN" && /no column text \(columns: sentence, verdict\)/.test(e.message);
    });
  });
  test("an unterminated quote is a DATA_BAD_CSV error", async () => {
    await assert.rejects(
      readSource(await file("bad.csv", 'text,choose_one\n"open,Relevant\n')),
      isCode("DATA_BAD_CSV"),
    );
  });
  test("a ragged row is reported, not fatal", async () => {
    const dataset = await readSource(await file("ragged.csv", "text,choose_one\nhello,Relevant,extra\n"));
    assert.equal(dataset.issues[0]?.code, "RAGGED_ROW");
  });
  test("a header and no rows is DATA_NO_ROWS", async () => {
    await assert.rejects(readSource(await file("empty.csv", "text,choose_one\n")), isCode("DATA_NO_ROWS"));
  });
});

describe("JSONL", () => {
  test("one object per line, blank lines skipped, extra keys ignored", async () => {
    const path = await file(
      "a.txt",
      '{"text":"Flood in Kaduna","choose_one":"Relevant","id":1}\n\n{"text":"I love you","choose_one":"Not Relevant"}\n',
    );
    const dataset = await readSource(path);
    assert.equal(dataset.format, "jsonl");
    assert.deepEqual(
      dataset.rows.map((r) => [r.row, r.text, r.label]),
      [
        [1, "Flood in Kaduna", RELEVANT],
        [2, "I love you", NOT_RELEVANT],
      ],
    );
  });
  test("a line that is not an object names its line", async () => {
    const path = await file("bad.jsonl", '{"text":"a","choose_one":"Relevant"}\n[1,2]\n');
    await assert.rejects(
      readSource(path),
      (e: Error & { code?: string }) => e.code === "DATA_BAD_JSONL" && / line 2 /.test(e.message),
    );
    const broken = await file("broken.jsonl", '{"text":"a","choose_one":"Relevant"}\n{"text":\n');
    await assert.rejects(readSource(broken), isCode("DATA_BAD_JSONL"));
  });
});

describe("SQLite", () => {
  function database(name: string, sql: string): string {
    const path = join(dir, name);
    const db = new DatabaseSync(path);
    db.exec(sql);
    db.close();
    return path;
  }
  test("reads the table and columns it is told to", async () => {
    const path = database(
      "t.db",
      "CREATE TABLE tweets (body TEXT, verdict TEXT, idx INTEGER); INSERT INTO tweets VALUES ('Quake hits', 'Relevant', 5);",
    );
    const dataset = await readSource(path, { table: "tweets", textColumn: "body", labelColumn: "verdict" });
    assert.equal(dataset.format, "sqlite");
    assert.deepEqual(dataset.rows, [{ row: 1, text: "Quake hits", label: RELEVANT, classLabel: null }]);
  });
  test("a missing table lists the tables there are", async () => {
    const path = database("nt.db", "CREATE TABLE other (text TEXT);");
    await assert.rejects(
      readSource(path),
      (e: Error & { code?: string }) => e.code === "DATA_NO_TABLE" && /tables: other/.test(e.message),
    );
  });
});

describe("format detection", () => {
  test("binary that is neither gzip nor SQLite is DATA_UNKNOWN_FORMAT", async () => {
    await assert.rejects(
      readSource(await file("x.bin", Buffer.from([0x50, 0x4b, 3, 4, 0, 0]))),
      isCode("DATA_UNKNOWN_FORMAT"),
    );
  });
  test("an empty file is DATA_NO_ROWS; a missing one FILE_NOT_FOUND", async () => {
    await assert.rejects(readSource(await file("zero", "")), isCode("DATA_NO_ROWS"));
    await assert.rejects(readSource(join(dir, "nope.csv")), isCode("FILE_NOT_FOUND"));
  });
});

describe("validation", () => {
  const rows = [
    { row: 1, text: "Forest fire", label: "Relevant", classLabel: 1 },
    { row: 2, text: null, label: "Relevant", classLabel: 1 },
    { row: 3, text: " ", label: "relevant ", classLabel: 0 },
    { row: 4, text: "ok", label: "Spam", classLabel: null },
    { row: 5, text: "ok", label: "Spam", classLabel: null },
    { row: 6, text: "ok", label: null, classLabel: null },
    { row: 7, text: "ok", label: "Irrelevant", classLabel: null },
  ];
  test("collects every issue with row, column and code instead of stopping", () => {
    const report = validateRows(rows);
    assert.deepEqual(
      report.issues.map((i) => [i.row, i.column, i.code]),
      [
        [2, "text", "NULL_TEXT"],
        [3, "text", "EMPTY_TEXT"],
        [3, "choose_one", "LABEL_SPELLING"],
        [3, "class_label", "CLASS_LABEL_MISMATCH"],
        [4, "choose_one", "UNKNOWN_LABEL"],
        [5, "choose_one", "UNKNOWN_LABEL"],
        [6, "choose_one", "NULL_LABEL"],
        [7, "choose_one", "UNKNOWN_LABEL"],
      ],
    );
    assert.deepEqual(report.unknownLabels, { Spam: 2, Irrelevant: 1 });
    assert.deepEqual(report.labelCounts, { Relevant: 3, Spam: 2, Irrelevant: 1 });
  });
  test("unknown labels are fatal: each named with its count, every issue attached", () => {
    const report = validateRows(rows);
    assert.throws(
      () => assertValid(report, "rows.csv"),
      (e: Error & { code?: string; details?: unknown }) =>
        e.code === "DATA_UNKNOWN_LABELS" &&
        e.message.includes('"Spam" (2 rows), "Irrelevant" (1 rows)') &&
        e.details === report,
    );
  });
  test("the label map makes a spelling known", () => {
    assert.deepEqual(
      validateRows(rows, { labelMap: { spam: NOT_RELEVANT, irrelevant: NOT_RELEVANT } }).unknownLabels,
      {},
    );
  });
  test("validateDataset keeps the reader's issues first", () => {
    const readerIssue = { row: 1, column: null, code: "RAGGED_ROW", message: "x" };
    const report = validateDataset({
      source: "s",
      format: "csv",
      columns: [],
      rows: rows.slice(0, 1),
      issues: [readerIssue],
    });
    assert.deepEqual(report.issues, [readerIssue]);
  });
});
