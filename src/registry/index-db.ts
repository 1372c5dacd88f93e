/**
 * The store's SQLite index (node:sqlite): models and their version counters, versions, aliases,
 * alias history, traffic policies and a revision number. WAL lets readers (a server polling the
 * revision) run beside a writer; the busy timeout makes concurrent writers queue instead of fail;
 * every write runs in `BEGIN IMMEDIATE`, which takes the write lock up front, so two trainers can
 * never read the same next version number.
 */
import { DatabaseSync } from "node:sqlite";

const SCHEMA_VERSION = 1;
const BUSY_TIMEOUT_MS = 30_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS models (
  name TEXT PRIMARY KEY,
  next_version INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
  name TEXT NOT NULL REFERENCES models(name),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  run_id TEXT,
  threshold REAL NOT NULL,
  data_fingerprint TEXT NOT NULL,
  metrics_json TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS aliases (
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES versions(name, version)
);
CREATE TABLE IF NOT EXISTS alias_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  action TEXT NOT NULL,
  at TEXT NOT NULL,
  undone INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS alias_events_stack ON alias_events (name, alias, action, undone, id);
CREATE TABLE IF NOT EXISTS traffic_policies (
  name TEXT PRIMARY KEY REFERENCES models(name),
  policy_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0);
`;

export function openIndex(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    const current = db.prepare("PRAGMA user_version").get()?.user_version;
    if (current !== SCHEMA_VERSION) migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: DatabaseSync): void {
  inWriteTransaction(db, () => {
    // Re-read under the write lock: another process may have created the schema meanwhile.
    if (db.prepare("PRAGMA user_version").get()?.user_version === SCHEMA_VERSION) return;
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  });
}

/**
 * Runs `work` inside BEGIN IMMEDIATE … COMMIT. `work` is synchronous on purpose: nothing else on
 * this connection can run between BEGIN and COMMIT, so one registry object can be shared freely.
 */
export function inWriteTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

export function bumpRevision(db: DatabaseSync): void {
  db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'revision'").run();
}
