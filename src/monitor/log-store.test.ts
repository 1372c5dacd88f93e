import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import { isSiftError } from "../errors.ts";
import { LogStore, type PredictionEvent, sentenceHash } from "./index.ts";
import { LOG_SCHEMA_VERSION, sentenceKey } from "./log-schema.ts";
import { LATEST_BY_SENTENCE } from "./log-store.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sift-log-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function event(id: string, sentence: string, overrides: Partial<PredictionEvent> = {}): PredictionEvent {
  return {
    id,
    time: 1000,
    model: "relevance",
    version: 1,
    score: 0.9,
    label: "Relevant",
    latencyMs: 1.5,
    route: "primary",
    variant: "default",
    sentence,
    ...overrides,
  };
}

test("the log keeps a hash, not the sentence, unless configured; OOV counts against the vocabulary", () => {
  const store = new LogStore(join(dir, "a.db"));
  store.setVocabulary("relevance", 1, ["fire", "in"]);
  store.insert([event("p1", "Fire in Paris")]);
  const [row] = [...store.rows()];
  assert.equal(row?.sentence, null);
  assert.equal(row?.sentenceHash, sentenceHash("Fire in Paris"));
  assert.equal(row?.tokens, 3);
  assert.equal(row?.oovTokens, 1);
  store.close();
  const keeping = new LogStore(join(dir, "b.db"), { keepSentences: true });
  keeping.insert([event("p1", "Fire in Paris")]);
  assert.equal([...keeping.rows()][0]?.sentence, "Fire in Paris");
  keeping.close();
});

test("feedback joins by id or sentence, is idempotent, and a different label replaces", () => {
  const store = new LogStore(join(dir, "c.db"));
  store.insert([
    event("p1", "fire downtown"),
    event("p2", "nice day", { label: "Not Relevant", score: 0.1 }),
    event("s1", "fire downtown", { route: "shadow", requestId: "p1", version: 2, label: "Not Relevant" }),
  ]);
  assert.deepEqual(store.recordFeedback({ id: "p1", label: "Relevant" }), {
    status: "created",
    predictionId: "p1",
    label: "Relevant",
  });
  assert.equal(store.recordFeedback({ id: "p1", label: "Relevant" }).status, "unchanged");
  assert.equal(store.recordFeedback({ sentence: "fire downtown", label: "Relevant" }).status, "unchanged");
  assert.equal(
    store.recordFeedback({ id: "s1", label: "Relevant" }).status,
    "unchanged",
    "shadow id joins its request",
  );
  assert.equal(store.recordFeedback({ id: "p2", label: "Relevant" }).status, "created");
  assert.equal(store.recordFeedback({ id: "p2", label: "Not Relevant" }).status, "replaced");
  assert.equal(store.counts().feedback, 2);
  const unjoined = store.recordFeedback({ sentence: "never predicted", label: "Relevant" });
  assert.deepEqual(unjoined, { status: "created", predictionId: null, label: "Relevant" });
  assert.throws(
    () => store.recordFeedback({ id: "nope", label: "Relevant" }),
    (e: unknown) => isSiftError(e) && e.code === "PREDICTION_NOT_FOUND" && e.status === 404,
  );
  const rows = store.feedbackRows();
  assert.deepEqual(
    rows.map((r) => [r.sentence, r.label]),
    [
      ["fire downtown", "Relevant"], // the sentence came with the second, idempotent feedback
      [null, "Not Relevant"],
      ["never predicted", "Relevant"],
    ],
  );
  const live = store.liveMetrics();
  const v1 = live.find((m) => m.version === 1);
  const v2 = live.find((m) => m.version === 2);
  assert.deepEqual([v1?.tp, v1?.fp, v1?.fn, v1?.tn, v1?.labelled], [1, 0, 0, 1, 2]);
  assert.equal(v1?.precision, 1);
  assert.deepEqual([v2?.route, v2?.fn, v2?.recall], ["shadow", 1, 0]);
  store.close();
});

test("series buckets predictions by time and version; events keep their order", () => {
  const store = new LogStore(join(dir, "d.db"));
  store.insert([
    event("a", "x", { time: 10 }),
    event("b", "y", { time: 70 }),
    event("c", "z", { time: 75, version: 2 }),
  ]);
  const buckets = store.series(0, 60);
  assert.deepEqual(
    buckets.map((b) => [b.start, b.version, b.predictions]),
    [
      [0, 1, 1],
      [60, 1, 1],
      [60, 2, 1],
    ],
  );
  store.addEvent({ time: 5, kind: "model_loaded", model: "relevance", version: 1, detail: "production" });
  store.addEvent({ time: 6, kind: "drift_alert", model: null, version: null, detail: "score_psi" });
  assert.deepEqual(
    store.events().map((e) => e.kind),
    ["model_loaded", "drift_alert"],
  );
  store.close();
});

test("prune deletes by age, then the oldest rows beyond the size limit", () => {
  const store = new LogStore(join(dir, "e.db"), { maxAgeDays: 1, maxRows: 2 });
  const day = 86_400_000;
  store.insert([
    event("old", "a", { time: 0 }),
    event("n1", "b", { time: 2 * day }),
    event("n2", "c", { time: 2 * day + 1 }),
    event("n3", "d", { time: 2 * day + 2 }),
  ]);
  assert.equal(store.prune(2 * day + 10), 2);
  assert.deepEqual(
    [...store.rows()].map((r) => r.id),
    ["n2", "n3"],
  );
  store.close();
});

/** The version 1 schema of the prediction log, as files written before the lean indexes have it. */
const VERSION_1_PREDICTIONS = `
CREATE TABLE predictions (
  id TEXT PRIMARY KEY, request_id TEXT NOT NULL, time INTEGER NOT NULL, model TEXT NOT NULL,
  version INTEGER NOT NULL, score REAL NOT NULL, label TEXT NOT NULL, latency_ms REAL NOT NULL,
  route TEXT NOT NULL, variant TEXT NOT NULL, sentence_hash TEXT NOT NULL, sentence TEXT,
  tokens INTEGER NOT NULL, oov_tokens INTEGER NOT NULL
);
CREATE INDEX predictions_time ON predictions(time);
CREATE INDEX predictions_request ON predictions(request_id);
CREATE INDEX predictions_hash ON predictions(sentence_hash, time);
CREATE INDEX predictions_model ON predictions(model, version, route, time);`;

test("a version 1 log is upgraded when opened: rows kept, feedback by sentence still finds them", () => {
  const path = join(dir, "v1.db");
  const old = new DatabaseSync(path);
  old.exec(VERSION_1_PREDICTIONS);
  const insert = old.prepare("INSERT INTO predictions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const hash = sentenceHash("storm warning");
  insert.run("p1", "p1", 100, "relevance", 1, 0.8, "Relevant", 1, "primary", "default", hash, null, 2, 0);
  insert.run("s1", "p1", 100, "relevance", 2, 0.3, "Not Relevant", 1, "shadow", "shadow", hash, null, 2, 0);
  insert.run("p2", "p2", 200, "relevance", 1, 0.7, "Relevant", 1, "primary", "default", hash, null, 2, 0);
  old.close();

  const store = new LogStore(path);
  assert.deepEqual(
    [...store.rows()].map((r) => [r.id, r.requestId, r.route, r.sentenceHash === hash]),
    [
      ["p1", "p1", "primary", true],
      ["s1", "p1", "shadow", true],
      ["p2", "p2", "primary", true],
    ],
  );
  // The latest primary prediction of the sentence, found through the new index.
  assert.equal(store.recordFeedback({ sentence: "storm warning", label: "Relevant" }).predictionId, "p2");
  store.insert([event("p3", "storm warning", { time: 300 })]);
  assert.equal(store.recordFeedback({ sentence: "storm warning", label: "Relevant" }).predictionId, "p3");
  store.close();

  const upgraded = new DatabaseSync(path, { readOnly: true });
  assert.equal(upgraded.prepare("PRAGMA user_version").get()?.user_version, LOG_SCHEMA_VERSION);
  const indexes = upgraded
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'predictions' AND sql IS NOT NULL",
    )
    .all()
    .map((row) => row.name)
    .sort();
  assert.deepEqual(indexes, ["predictions_model", "predictions_request", "predictions_time"]);
  const indexed = upgraded
    .prepare(
      "SELECT p.id FROM sentence_index s JOIN predictions p ON p.rowid = s.prediction_rowid ORDER BY p.rowid",
    )
    .all();
  assert.deepEqual(
    indexed.map((row) => row.id),
    ["p1", "p2", "p3"],
    "primary rows only, moved into the sentence index table",
  );
  const keyed = upgraded.prepare("SELECT id, sentence_key FROM predictions ORDER BY id").all();
  assert.deepEqual(
    keyed.map((row) => [row.id, row.sentence_key]),
    [
      ["p1", sentenceKey(hash)],
      ["p2", sentenceKey(hash)],
      ["p3", sentenceKey(hash)],
      ["s1", null],
    ],
  );
  upgraded.close();
});

/** SQLite's plan for `sql` on a fresh log with the current schema. */
function queryPlan(name: string, sql: string, ...args: Array<string | number>): string {
  new LogStore(join(dir, name)).close();
  const db = new DatabaseSync(join(dir, name), { readOnly: true });
  try {
    return db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...args)
      .map((row) => String(row.detail))
      .join("\n");
  } finally {
    db.close();
  }
}

test("feedback by sentence is answered from the sentence index, not a scan of the log", () => {
  const plan = queryPlan("plan.db", LATEST_BY_SENTENCE, 1, "x");
  assert.match(plan, /SEARCH s USING PRIMARY KEY \(sentence_key=\?\)/);
  assert.match(plan, /SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
  assert.doesNotMatch(plan, /SCAN/);
});

test("rows a killed writer logged but had not indexed by sentence are indexed by the next writer", () => {
  const path = join(dir, "recover.db");
  const store = new LogStore(path);
  store.insert([event("p1", "flood in town", { time: 1000 }), event("p2", "flood in town", { time: 2000 })]);
  store.close();
  // As if the writer died between writing p2 and indexing it.
  const raw = new DatabaseSync(path);
  raw.exec(
    "DELETE FROM sentence_index WHERE prediction_rowid = (SELECT rowid FROM predictions WHERE id = 'p2')",
  );
  raw.exec("UPDATE log_state SET value = (SELECT rowid FROM predictions WHERE id = 'p1')");
  raw.close();
  const reopened = new LogStore(path);
  assert.equal(reopened.recordFeedback({ sentence: "flood in town", label: "Relevant" }).predictionId, "p2");
  reopened.close();
});

test("the sentence index follows the log: a row logged a moment ago is found, pruned rows' entries go", () => {
  const path = join(dir, "sentence-prune.db");
  const store = new LogStore(path, { maxAgeDays: 1 });
  const day = 86_400_000;
  store.insert([
    event("old", "storm at sea", { time: 1000 }),
    event("s-old", "storm at sea", { route: "shadow", requestId: "old", version: 2, time: 1000 }),
  ]);
  assert.equal(store.recordFeedback({ sentence: "storm at sea", label: "Relevant" }).predictionId, "old");
  store.insert([event("new", "storm at sea", { time: 3 * day })]);
  assert.equal(store.prune(3 * day), 2);
  const entries = () => {
    const reader = new DatabaseSync(path, { readOnly: true });
    try {
      return reader
        .prepare("SELECT p.id FROM sentence_index s LEFT JOIN predictions p ON p.rowid = s.prediction_rowid")
        .all()
        .map((row) => row.id);
    } finally {
      reader.close();
    }
  };
  assert.deepEqual(entries(), ["new"]);
  assert.equal(store.recordFeedback({ sentence: "storm at sea", label: "Not Relevant" }).predictionId, "new");
  // Everything pruned: the log numbers rows from 1 again, and the index follows.
  assert.equal(store.prune(10 * day), 1);
  store.insert([event("again", "storm at sea", { time: 10 * day })]);
  assert.equal(store.recordFeedback({ sentence: "storm at sea", label: "Relevant" }).predictionId, "again");
  store.close();
});

test("a shadow row reuses its primary's hash and tokens but counts OOV against its own vocabulary", () => {
  const store = new LogStore(join(dir, "shadow-oov.db"));
  store.setVocabulary("relevance", 1, ["storm", "over"]);
  store.setVocabulary("relevance", 2, ["storm"]);
  store.insert([
    event("p1", "Storm over Lyon"),
    event("s1", "Storm over Lyon", { route: "shadow", requestId: "p1", version: 2 }),
    event("s2", "never primary", { route: "shadow", requestId: "p0", version: 2 }),
  ]);
  const rows = [...store.rows()];
  assert.deepEqual(
    rows.map((r) => [r.id, r.tokens, r.oovTokens, r.sentenceHash]),
    [
      ["p1", 3, 1, sentenceHash("Storm over Lyon")],
      ["s1", 3, 2, sentenceHash("Storm over Lyon")],
      ["s2", 2, 2, sentenceHash("never primary")],
    ],
  );
  store.close();
});

test("live metrics from the writer's tally equal a scan of the log, through inserts, feedback, prunes and other writers", () => {
  const path = join(dir, "tally.db");
  const store = new LogStore(path, { maxRows: 40, maxAgeDays: 1 });
  // What a fresh read-only connection computes: the whole log, grouped (the scan path).
  const scanned = () => {
    const reader = new LogStore(path, { readOnly: true });
    try {
      return reader.liveMetrics(0);
    } finally {
      reader.close();
    }
  };
  const day = 86_400_000;
  const now = 10 * day;
  const batch = (from: number, count: number, time: number) =>
    Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const primary = event(`p${String(i).padStart(4, "0")}`, `sentence ${i % 7}`, {
        time: time + i,
        latencyMs: 0.25 * (i % 5),
        label: i % 3 === 0 ? "Not Relevant" : "Relevant",
      });
      const shadow = event(`s${String(i).padStart(4, "0")}`, `sentence ${i % 7}`, {
        time: time + i,
        route: "shadow",
        variant: "shadow",
        requestId: primary.id,
        version: 2,
        label: i % 2 === 0 ? "Relevant" : "Not Relevant",
      });
      return [primary, shadow];
    }).flat();

  store.insert(batch(0, 10, now - 2 * day)); // old enough to be pruned by age
  assert.deepEqual(store.liveMetrics(0), scanned()); // the first call takes the tally from a scan
  store.insert(batch(10, 20, now));
  store.insert(batch(15, 10, now)); // ids already logged: INSERT OR IGNORE keeps the first, counts once
  store.recordFeedback({ id: "p0012", label: "Relevant" });
  store.recordFeedback({ id: "p0013", label: "Not Relevant" });
  store.recordFeedback({ sentence: "sentence 4", label: "Relevant" });
  store.recordFeedback({ sentence: "never predicted", label: "Relevant" });
  const live = store.liveMetrics(0);
  assert.deepEqual(live, scanned());
  assert.equal(live.find((m) => m.route === "shadow")?.labelled, 3);

  // 60 rows: 20 go by age, then 0 more by count (40 left); then 20 more rows → 20 by count.
  assert.equal(store.prune(now), 20);
  assert.deepEqual(store.liveMetrics(0), scanned());
  store.insert(batch(30, 10, now + 1000));
  assert.equal(store.prune(now), 20);
  assert.deepEqual(store.liveMetrics(0), scanned());
  assert.equal(
    store.liveMetrics(0).reduce((sum, m) => sum + m.predictions, 0),
    store.counts().rows,
  );

  // Another connection writes to the same log: the tally notices and is taken afresh.
  const other = new LogStore(path);
  other.insert(batch(100, 3, now + 5000));
  other.close();
  assert.deepEqual(store.liveMetrics(0), scanned());
  store.close();
});

test("live metrics read labelled predictions through the request-id index, with feedback as the outer loop", () => {
  const plan = queryPlan(
    "live-plan.db",
    `SELECT p.model, p.version, p.route, p.label AS predicted, f.label AS truth, count(*) AS n
     FROM feedback f CROSS JOIN predictions p ON p.request_id = f.key
     GROUP BY p.model, p.version, p.route, p.label, f.label`,
  );
  assert.match(plan, /SCAN f/);
  assert.match(plan, /SEARCH p USING INDEX predictions_request/);
});

test("the sentence hash is the sha256 hex of the sentence's UTF-8 bytes", () => {
  for (const sentence of ["", "Fire in Paris", "Ünïcode Straße 🔥", "\u0000 tab\t"]) {
    assert.equal(
      sentenceHash(sentence),
      createHash("sha256").update(Buffer.from(sentence, "utf8")).digest("hex"),
    );
  }
});

test("rows go in 16 at a time: every row is stored in order, and ids already logged are counted once", () => {
  const path = join(dir, "multi-row.db");
  const store = new LogStore(path);
  const rowsOf = (from: number, count: number) =>
    Array.from({ length: count }, (_, k) =>
      event(`m${String(from + k).padStart(3, "0")}`, `sentence ${from + k}`, {
        label: (from + k) % 3 === 0 ? "Not Relevant" : "Relevant",
      }),
    );
  store.insert(rowsOf(0, 10));
  assert.equal(store.liveMetrics(0)[0]?.predictions, 10, "the tally is taken");
  // 37 rows: two full statements and 5 single rows. The first statement mixes 6 ids already
  // logged with new ones, and one new id appears twice in it.
  const mixed = [...rowsOf(4, 6), ...rowsOf(10, 5), rowsOf(12, 1)[0] as PredictionEvent, ...rowsOf(15, 25)];
  assert.equal(mixed.length, 37);
  store.insert(mixed);
  const stored = [...store.rows()].map((r) => r.id);
  assert.deepEqual(
    stored,
    rowsOf(0, 40).map((e) => e.id),
    "each id once, in the order first given",
  );
  const reader = new LogStore(path, { readOnly: true });
  try {
    assert.deepEqual(store.liveMetrics(0), reader.liveMetrics(0), "the tally equals a scan");
  } finally {
    reader.close();
  }
  assert.equal(store.liveMetrics(0)[0]?.predictions, 40);
  store.close();
});
