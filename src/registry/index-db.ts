/**
 * The store's SQLite index (node:sqlite): models and their version counters, versions, aliases,
 * alias history, traffic policies and a revision number. WAL lets readers (a server polling the
 * revision) run beside a writer; the busy timeout makes concurrent writers queue instead of fail;
 * every write runs in `BEGIN IMMEDIATE`, which takes the write lock up front, so two trainers can
 * never read the same next version number.
 */
import fs from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";

const SCHEMA_VERSION = 1;
const BUSY_TIMEOUT_MS = 30_000;
const SQLITE_READONLY = 8;

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
  try {
    return openWritable(file);
  } catch (error) {
    if (!isReadOnlyFailure(error) || !canReadImmutable(file)) throw error;
    // A store this process cannot write (say, a read-only volume baked with its models): SQLite
    // cannot create the WAL's shared-memory file there, so read the checkpointed file as an
    // immutable snapshot. Writes fail with SQLITE_READONLY (STORE_NOT_WRITABLE). A snapshot does
    // not see later changes by other processes: a server that must follow promotions needs a
    // writable store (only for SQLite's lock files; it never writes models).
    const url = pathToFileURL(file);
    url.searchParams.set("immutable", "1");
    return new DatabaseSync(url, { readOnly: true });
  }
}

function openWritable(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  try {
    // Set once, when the store is created; re-setting it is a write.
    if (db.prepare("PRAGMA journal_mode").get()?.journal_mode !== "wal") db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = FULL");
    const current = db.prepare("PRAGMA user_version").get()?.user_version;
    if (current !== SCHEMA_VERSION) migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isReadOnlyFailure(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === "number" && errcode % 256 === SQLITE_READONLY;
}

/** Only when the index exists and no un-checkpointed WAL holds commits an immutable read would miss. */
function canReadImmutable(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  try {
    return fs.statSync(`${file}-wal`).size === 0;
  } catch {
    return true;
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
