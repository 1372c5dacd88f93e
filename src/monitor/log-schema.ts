/**
 * The prediction log's SQLite schema. WAL journal so readers (reports, exports) never block the
 * writer and a killed process leaves only whole committed batches; `synchronous=NORMAL` is the
 * WAL setting that keeps that guarantee without an fsync per batch.
 *
 * Every index is paid for on each logged row, in the writer thread that shares two cores with the
 * server, so each one is here for a query: time (prune, series, export), model (drift samples,
 * versions), request id (live metrics: the labelled predictions of each feedback row), sentence
 * (feedback by sentence). Ids are UUID v7, so time and request-id inserts land at the end of
 * their indexes. The sentence index is the costly kind — its keys are random, so a batch written
 * row by row dirtied pages all over it (a third of a row's SQLite work) — so it is a narrow table
 * of its own, `sentence_index` (52-bit key of the sentence hash, rowid of a primary prediction),
 * which the writer fills from the log by one sorted `INSERT … SELECT` every 20,000 rows or few
 * seconds (see log-store.ts); `log_state` remembers the last rowid indexed, so after a crash the
 * next writer indexes the rest. Older files are upgraded in place when opened for writing; their
 * rows stay as they were.
 *   - version 1 → 2: the sentence key column and index; the full hash index dropped.
 *   - version 2 → 3: the request-id index (live metrics no longer scan the whole log).
 *   - version 3 → 4: the sentence index moves from an index on `predictions` to `sentence_index`.
 */
import type { DatabaseSync } from "node:sqlite";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS predictions (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  time INTEGER NOT NULL,
  model TEXT NOT NULL,
  version INTEGER NOT NULL,
  score REAL NOT NULL,
  label TEXT NOT NULL,
  latency_ms REAL NOT NULL,
  route TEXT NOT NULL,
  variant TEXT NOT NULL,
  sentence_hash TEXT NOT NULL,
  sentence TEXT,
  tokens INTEGER NOT NULL,
  oov_tokens INTEGER NOT NULL,
  -- sentenceKey(sentence_hash) on primary rows, NULL on shadow rows: the sentence index's key.
  sentence_key INTEGER
);
CREATE INDEX IF NOT EXISTS predictions_time ON predictions(time);
-- Feedback by sentence: primary predictions by sentence key. Filled in batches from the
-- predictions' sentence_key column; entries of pruned rows are cleared now and then, and a
-- lookup joins the prediction row and compares the hash, so a stale entry can only miss.
CREATE TABLE IF NOT EXISTS sentence_index (
  sentence_key INTEGER NOT NULL,
  prediction_rowid INTEGER NOT NULL,
  PRIMARY KEY (sentence_key, prediction_rowid)
) WITHOUT ROWID;
-- Small named integers the writer keeps: 'sentence_indexed_rowid', the last rowid indexed.
CREATE TABLE IF NOT EXISTS log_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS predictions_model ON predictions(model, version, route, time);
-- key: the request id of the prediction the feedback is about, or 'sentence:<sha256>' when the
-- sentence was never predicted. One row per key: feedback is idempotent, the latest label wins.
CREATE TABLE IF NOT EXISTS feedback (
  key TEXT PRIMARY KEY,
  prediction_id TEXT,
  sentence_hash TEXT NOT NULL,
  sentence TEXT,
  label TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_time ON feedback(time);
-- The loop's milestones (model loaded, policy changed, drift flagged, candidate registered), so
-- a report can show each step next to the traffic it affected.
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  model TEXT,
  version INTEGER,
  detail TEXT NOT NULL
);
`;

/** The writer's SQLite page cache, in KiB. */
const WRITER_CACHE_KIB = 8000;

/** WAL pages (4 KB) between automatic checkpoints. */
const WAL_CHECKPOINT_PAGES = 8192;

/** `PRAGMA user_version` of a log with the current indexes; files before it read as 0. */
export const LOG_SCHEMA_VERSION = 4;

const REQUEST_INDEX = "CREATE INDEX IF NOT EXISTS predictions_request ON predictions(request_id)";

/**
 * The sentence index's key: the first 52 bits of the sentence's sha256 (hex), exact in a double.
 * Lookups also compare the whole hash, so a collision can only cost a row read.
 */
export function sentenceKey(hash: string): number {
  return Number.parseInt(hash.slice(0, 13), 16);
}

export function applySchema(db: DatabaseSync): void {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA busy_timeout=5000");
  // Checkpoint every ~32 MB of WAL rather than SQLite's 4 MB: the pages every batch touches (the
  // table's and the indexes' last pages) are copied back once per checkpoint, not once per 4 MB;
  // about 15% less writer CPU per row in a microbenchmark, for a larger WAL file between them.
  db.exec(`PRAGMA wal_autocheckpoint=${WAL_CHECKPOINT_PAGES}`);
  // An 8 MB page cache instead of SQLite's 2 MB keeps more of the sentence index's pages between
  // batches: with 600k rows logged, 18.0 vs 22.0 µs a row at 500-row transactions, 16.2 at 2,000
  // (a microbenchmark of this schema's inserts; see bench/RESULTS.md). Writers only.
  db.exec(`PRAGMA cache_size=-${WRITER_CACHE_KIB}`);
  db.exec(SCHEMA);
  const version = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
  if (version >= LOG_SCHEMA_VERSION) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    if (version < 2) upgradeToVersion2(db);
    db.exec(REQUEST_INDEX);
    upgradeToVersion4(db);
    db.exec(`PRAGMA user_version = ${LOG_SCHEMA_VERSION}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** Version 3 → 4: the sentence index's entries move to `sentence_index`; the old index goes. */
function upgradeToVersion4(db: DatabaseSync): void {
  db.exec(`INSERT OR IGNORE INTO sentence_index (sentence_key, prediction_rowid)
    SELECT sentence_key, rowid FROM predictions WHERE sentence_key IS NOT NULL ORDER BY sentence_key`);
  db.exec(`INSERT OR REPLACE INTO log_state (name, value)
    VALUES ('sentence_indexed_rowid', coalesce((SELECT max(rowid) FROM predictions), 0))`);
  db.exec("DROP INDEX IF EXISTS predictions_sentence");
}

/** Version 1 → 2: the sentence key column (filled for logged primary rows), no hash index. */
function upgradeToVersion2(db: DatabaseSync): void {
  const columns = db.prepare("PRAGMA table_info(predictions)").all();
  if (!columns.some((column) => column.name === "sentence_key")) {
    db.exec("ALTER TABLE predictions ADD COLUMN sentence_key INTEGER");
  }
  // Version 1's request-id index is kept: version 3 wants the very same one back.
  db.exec("DROP INDEX IF EXISTS predictions_hash");
  db.function("sift_sentence_key", { deterministic: true }, (hash) => sentenceKey(String(hash)));
  db.exec(
    "UPDATE predictions SET sentence_key = sift_sentence_key(sentence_hash) WHERE route = 'primary' AND sentence_key IS NULL",
  );
}
