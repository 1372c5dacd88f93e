/**
 * Builds the quick-start package samples/relevance-sample.b64.tar.gz from the readable
 * samples/relevance-sample.jsonl, in the seed's format. Deterministic: the same source file and
 * Node version give the same bytes.
 *
 *   node scripts/build-sample.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { CLASS_LABEL_CODES, LABELS, type Label, packDatabase, readSource } from "../src/data/index.ts";

const source = new URL("../samples/relevance-sample.jsonl", import.meta.url).pathname;
const target = new URL("../samples/relevance-sample.b64.tar.gz", import.meta.url).pathname;

function classLabel(label: string | null): number | null {
  const canonical = LABELS.find((l) => l.toLowerCase() === label?.trim().toLowerCase());
  return canonical === undefined ? null : CLASS_LABEL_CODES[canonical as Label];
}

const dataset = await readSource(source);
const dir = await mkdtemp(join(tmpdir(), "sift-sample-"));
try {
  const dbPath = join(dir, "relevance-sample.db");
  const db = new DatabaseSync(dbPath);
  db.exec("CREATE TABLE data (text TEXT, choose_one TEXT, class_label INTEGER)");
  const insert = db.prepare("INSERT INTO data VALUES (?, ?, ?)");
  db.exec("BEGIN");
  for (const row of dataset.rows) insert.run(row.text, row.label, classLabel(row.label));
  db.exec("COMMIT");
  db.close();
  await packDatabase(dbPath, target, { member: "relevance-sample.db.b64" });
  process.stdout.write(`${dataset.rows.length} rows → ${target}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
