/**
 * The prediction log's SQLite schema. WAL journal so readers (reports, exports) never block the
 * writer and a killed process leaves only whole committed batches; `synchronous=NORMAL` is the
 * WAL setting that keeps that guarantee without an fsync per batch.
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
  oov_tokens INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_time ON predictions(time);
CREATE INDEX IF NOT EXISTS predictions_request ON predictions(request_id);
CREATE INDEX IF NOT EXISTS predictions_hash ON predictions(sentence_hash, time);
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

export function applySchema(db: DatabaseSync): void {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("PRAGMA busy_timeout=5000");
  db.exec(SCHEMA);
}
