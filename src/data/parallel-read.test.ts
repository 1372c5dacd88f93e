/**
 * Reading and cleaning a large SQLite source in two threads gives exactly what one thread gives
 * (rows, order, reports, validation, fingerprint), and a worker's failure surfaces as a catalogued
 * sift error — for the parallel read and for the text offload.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { isSiftError } from "../errors.ts";
import {
  CHUNK_ROWIDS,
  ChunkReader,
  type ChunkResult,
  copiedChunk,
  PARALLEL_THRESHOLD,
  planChunks,
} from "./chunk-read.ts";
import { resolveCleaningConfig } from "./cleaning-config.ts";
import { packDatabase } from "./pack.ts";
import { ChunkWorker, readChunksInParallel } from "./parallel-read.ts";
import { prepareData } from "./prepare.ts";
import { TextOffload } from "./text-offload.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sift-parallel-test-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const DIRT = [
  " http://t.co/x1",
  " via @news",
  " &amp; more",
  " don\u00e2\u20ac\u2122t",
  "  spaced  out ",
  "\ufffd",
  " #Flood",
  " ‰ÛÒ",
  " Ｆｕｌｌ",
  // Texts JSON escapes: the fingerprint of chunks (TEXT_PLAIN) must still escape them.
  ' "quoted"',
  " back\\slash",
];
const LABELS = ["Relevant", "Not Relevant", " relevant ", "Can't Decide", "NOT RELEVANT", null];

/** Row i of the test table: [text, label, class_label]. */
function dirtyRow(i: number): [string | null, string | null, number] {
  const base = i % 5 === 0 ? i % 40_000 : i;
  let text: string | null = `Fire near town ${base}${DIRT[base % DIRT.length]}`;
  if (i % 211 === 0) text = null;
  else if (i % 173 === 0) text = "   ";
  // Repeats of a text 40,000 rows apart alternate their label: conflicts, settled by majority or dropped.
  let kind = i % 2;
  if (i % 13 === 0) kind = i % LABELS.length;
  else if (i % 5 === 0) kind = Math.floor(i / 40_000) % 2;
  const label = LABELS[kind] ?? null;
  return [text, label, i % 17 === 0 || label === "Relevant" ? 1 : 0];
}

/**
 * Dirty rows: NULL, blank and dirty texts, odd and NULL labels, class labels that disagree, and
 * texts repeated far apart (so duplicate groups, some conflicting, span chunks and threads). Some
 * rows are deleted, so the rowid range has gaps.
 */
function buildTable(path: string, rows: number): void {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
  db.exec("CREATE TABLE data (text TEXT, choose_one TEXT, class_label INTEGER)");
  const insert = db.prepare("INSERT INTO data VALUES (?, ?, ?)");
  db.exec("BEGIN");
  for (let i = 0; i < rows; i++) insert.run(...dirtyRow(i));
  db.exec("COMMIT");
  db.exec("DELETE FROM data WHERE rowid % 997 = 3 OR rowid BETWEEN 50000 AND 50100");
  db.close();
}

describe("parallel read", () => {
  test("a table big enough for two threads gives what one thread gives", async () => {
    const path = join(dir, "big.db");
    buildTable(path, PARALLEL_THRESHOLD + 3 * CHUNK_ROWIDS + 17);
    const db = new DatabaseSync(path, { readOnly: true });
    const plan = planChunks(db, "data", '"text", "choose_one", "class_label"', [
      "text",
      "choose_one",
      "class_label",
    ]);
    db.close();
    assert.ok(plan !== null && plan.chunks > 10, "the table is read in chunks");
    for (const cleaning of [
      {},
      { conflicts: "drop" as const, cantDecide: "keep" as const, hashtags: "word" as const },
    ]) {
      const serial = await prepareData(path, { keepRawRows: false, parallelRead: false, cleaning });
      const parallel = await prepareData(path, { keepRawRows: false, cleaning });
      assert.ok(serial.rows.length > 50_000);
      assert.ok(serial.report.steps.some((s) => (s.counts["conflicting-texts"] ?? 0) > 0));
      assert.ok(serial.validation.issues.length > 1000);
      assert.deepEqual(parallel, serial);
      // Clean rows build their source rows when read: compared here, beside the rest.
      assert.deepEqual(
        parallel.rows.map((r) => r.sourceRows),
        serial.rows.map((r) => r.sourceRows),
      );
      assert.ok(serial.rows.some((r) => r.sourceRows.length > 1));
    }
    // A package goes the same way once unpacked.
    const pkg = join(dir, "big.b64.tar.gz");
    await packDatabase(path, pkg);
    const fromPackage = await prepareData(pkg, { keepRawRows: false });
    const serial = await prepareData(path, { keepRawRows: false, parallelRead: false });
    const { rows, report, validation, fingerprint, rawTextLength } = fromPackage;
    assert.deepEqual(
      { rows, report, validation, fingerprint, rawTextLength },
      {
        rows: serial.rows,
        report: serial.report,
        validation: serial.validation,
        fingerprint: serial.fingerprint,
        rawTextLength: serial.rawTextLength,
      },
    );
  });

  test("small tables and sparse rowids are read in one pass", () => {
    const db = new DatabaseSync(":memory:");
    db.exec("CREATE TABLE data (text TEXT, choose_one TEXT)");
    db.exec("INSERT INTO data (rowid, text, choose_one) VALUES (1, 'a', 'Relevant'), (2, 'b', 'Relevant')");
    const columns = ["text", "choose_one"];
    assert.equal(planChunks(db, "data", '"text", "choose_one"', columns), null);
    db.exec("INSERT INTO data (rowid, text, choose_one) VALUES (9007199254740000, 'c', 'Relevant')");
    assert.equal(planChunks(db, "data", '"text", "choose_one"', columns, 1), null);
    db.close();
  });
});

/** A worker script (plain JavaScript) written for the test. */
async function workerScript(name: string, body: string): Promise<URL> {
  const path = join(dir, `${name}.mjs`);
  await writeFile(path, `import { workerData } from "node:worker_threads";\n${body}\n`);
  return pathToFileURL(path);
}

/**
 * Reads a small table in chunks with `workerUrl` as the worker — started with its job, or `early`,
 * before it (as while a package is unpacked) — and returns the chunks merged.
 */
async function readWith(workerUrl: URL, early = false): Promise<ChunkResult[]> {
  const path = join(dir, `small-${Math.random().toString(36).slice(2)}.db`);
  buildTable(path, 3 * CHUNK_ROWIDS);
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const columns = ["text", "choose_one", "class_label"];
    const plan = planChunks(db, "data", '"text", "choose_one", "class_label"', columns, 1);
    assert.ok(plan !== null);
    const chunks: ChunkResult[] = [];
    const sink = { config: resolveCleaningConfig({}), add: (chunk: ChunkResult) => chunks.push(chunk) };
    const worker = early ? ChunkWorker.early(workerUrl) : undefined;
    try {
      await readChunksInParallel(db, path, "small.db", plan, sink, { workerUrl, early: worker });
    } finally {
      await worker?.close();
    }
    return chunks;
  } finally {
    db.close();
  }
}

function isWorkerFailure(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isSiftError(error), `a sift error, not ${String(error)}`);
    assert.equal(error.code, "DATA_WORKER_FAILED");
    assert.match(error.message, pattern);
    return true;
  };
}

describe("a failing worker", () => {
  test("an error the worker posts ends the read with DATA_WORKER_FAILED", async () => {
    const url = await workerScript(
      "posts-error",
      `workerData.port.postMessage({ error: "disk on fire" });
       Atomics.add(workerData.counters, 1, 1);
       Atomics.notify(workerData.counters, 1);`,
    );
    await assert.rejects(readWith(url), isWorkerFailure(/small\.db.*disk on fire/));
  });

  test("a worker that throws ends the read with DATA_WORKER_FAILED", async () => {
    const url = await workerScript("throws", `throw new Error("out of cheese");`);
    await assert.rejects(readWith(url), isWorkerFailure(/out of cheese/));
  });

  test("a worker that exits before it is done ends the read with DATA_WORKER_FAILED", async () => {
    const url = await workerScript("exits", "process.exit(3);");
    await assert.rejects(readWith(url), isWorkerFailure(/exit code 3/));
  });

  test("the real worker reads its share of the chunks", async () => {
    const chunks = await readWith(new URL("./chunk-worker.ts", import.meta.url));
    assert.equal(chunks.length, 3);
    const deleted = Array.from({ length: 3 * CHUNK_ROWIDS }, (_, i) => i + 1).filter((id) => id % 997 === 3);
    assert.equal(
      chunks.reduce((sum, chunk) => sum + chunk.rows, 0),
      3 * CHUNK_ROWIDS - deleted.length,
    );
  });

  test("a worker started before its job reads the same chunks", async () => {
    const url = new URL("./chunk-worker.ts", import.meta.url);
    // Texts, keys and labels (a chunk's typed arrays may be reused once merged: not compared here).
    const plain = (chunks: ChunkResult[]) =>
      chunks.map(({ rows, texts, keys, labelNames }) => ({ rows, texts, keys, labelNames }));
    assert.deepEqual(plain(await readWith(url, true)), plain(await readWith(url)));
  });

  test("a worker started before its job that throws ends the read with DATA_WORKER_FAILED", async () => {
    const url = await workerScript("early-throws", `throw new Error("out of tea");`);
    await assert.rejects(readWith(url, true), isWorkerFailure(/out of tea/));
  });

  test("chunks too big for a shared slot are posted whole, with the same content", async () => {
    const path = join(dir, "long.db");
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE data (text TEXT, choose_one TEXT)");
    const insert = db.prepare("INSERT INTO data VALUES (?, ?)");
    db.exec("BEGIN");
    // Long texts, a few of them needing UTF-16: a chunk's texts and keys outgrow its slot.
    for (let i = 0; i < 4 * CHUNK_ROWIDS; i++) {
      const text = `${i % 3 === 0 ? "Flood ☔ " : "Fire "}${"near the old town ".repeat(12)}${i}`;
      insert.run(text, i % 2 ? "Relevant" : "Not Relevant");
    }
    db.exec("COMMIT");
    const columns = ["text", "choose_one"];
    const plan = planChunks(db, "data", '"text", "choose_one", NULL', columns, 1);
    assert.ok(plan !== null);
    const config = resolveCleaningConfig({});
    const merged: ChunkResult[] = [];
    // Slot-backed arrays are reused once merged: keep copies.
    const add = (chunk: ChunkResult): void => {
      merged.push(copiedChunk(chunk));
    };
    await readChunksInParallel(db, path, "long.db", plan, { config, add });
    const reader = new ChunkReader(db, plan, config);
    assert.deepEqual(
      merged,
      Array.from({ length: plan.chunks }, (_, i) => reader.read(i)),
    );
    db.close();
  });

  for (const [how, kill] of [
    ["exits", "process.exit(3)"],
    ["throws", 'throw new Error("boom")'],
  ] as const) {
    test(`a text offload worker that ${how} after one answer is DATA_WORKER_FAILED, not a hang`, async () => {
      // The real worker, plus a second listener that kills the thread once it has answered.
      const real = new URL("./text-worker.ts", import.meta.url).href;
      const url = await workerScript(
        `offload-${how}`,
        `import ${JSON.stringify(real)};\nworkerData.port.on("message", () => { ${kill}; });`,
      );
      const offload = new TextOffload(resolveCleaningConfig({}), () => {}, { threshold: 0, workerUrl: url });
      assert.throws(
        () => {
          for (let i = 0; i < 12 * 4096; i++) offload.push(`text ${i}`);
          offload.finish(12 * 4096);
        },
        isWorkerFailure(/Cleaning the texts.*exited without answering/),
      );
    });
  }

  test("a text offload worker that stays alive and never answers is DATA_WORKER_FAILED after the stall time", async () => {
    // Listening on the port keeps the thread alive, so only the stall guard can end the wait.
    const url = await workerScript("offload-silent", `workerData.port.on("message", () => {});`);
    const offload = new TextOffload(resolveCleaningConfig({}), () => {}, {
      threshold: 0,
      workerUrl: url,
      stallMs: 300,
    });
    assert.throws(
      () => {
        for (let i = 0; i < 3 * 4096; i++) offload.push(`text ${i}`);
        offload.finish(3 * 4096);
      },
      isWorkerFailure(/Cleaning the texts.*no answer from the worker thread in 0\.3 s/),
    );
  });

  test("an error the text offload's worker posts is DATA_WORKER_FAILED", async () => {
    const url = await workerScript(
      "offload-error",
      `workerData.port.on("message", () => {
         workerData.port.postMessage({ error: "bad text" });
         Atomics.add(workerData.posted, 0, 1);
         Atomics.notify(workerData.posted, 0);
       });`,
    );
    const offload = new TextOffload(resolveCleaningConfig({}), () => {}, { threshold: 0, workerUrl: url });
    assert.throws(
      () => {
        for (let i = 0; i < 5 * 4096; i++) offload.push(`text ${i}`);
        offload.finish(5 * 4096);
      },
      isWorkerFailure(/Cleaning the texts.*bad text/),
    );
  });
});
