/**
 * Run tracking: one row per run in `<store>/runs.db` (node:sqlite, WAL so that several trainers
 * on one store can write at once) plus the run's folder `<store>/runs/<id>/` for its report.
 * The full record is kept as JSON beside a few indexed columns: runs are read whole, listed by
 * time, and their shape may grow without a migration.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { siftError } from "../errors.ts";
import type { RunLogLine, RunRecord, RunStatus, RunSummary } from "./runs-types.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  model_name TEXT NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at);
CREATE TABLE IF NOT EXISTS run_log (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
`;

export interface RunStore {
  readonly file: string;
  create(record: RunRecord): void;
  update(record: RunRecord): void;
  appendLog(runId: string, line: string, at: string): void;
  get(id: string): RunRecord;
  log(id: string): RunLogLine[];
  list(options?: { readonly limit?: number; readonly modelName?: string }): RunSummary[];
  /** Folder for a run's files, created on demand. */
  runDir(id: string): string;
  close(): void;
}

/** A sortable, collision-resistant run id: UTC time to the second plus 6 random hex digits. */
export function newRunId(now: Date, random: () => string = () => randomBytes(3).toString("hex")): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${stamp}-${random()}`;
}

export function openRunStore(storeRoot: string): RunStore {
  const file = path.join(storeRoot, "runs.db");
  let db: DatabaseSync;
  try {
    mkdirSync(storeRoot, { recursive: true });
    db = new DatabaseSync(file, { timeout: 10_000 });
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    db.exec(SCHEMA);
  } catch (error) {
    throw siftError("STORE_NOT_WRITABLE", storeRoot, error instanceof Error ? error.message : String(error));
  }
  return new SqliteRunStore(db, file, storeRoot);
}

class SqliteRunStore implements RunStore {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #root: string;

  constructor(db: DatabaseSync, file: string, root: string) {
    this.#db = db;
    this.file = file;
    this.#root = root;
  }

  create(record: RunRecord): void {
    this.#db
      .prepare("INSERT INTO runs (id, model_name, status, started_at, record) VALUES (?, ?, ?, ?, ?)")
      .run(record.id, record.modelName, record.status, record.startedAt, JSON.stringify(record));
  }

  update(record: RunRecord): void {
    this.#db
      .prepare("UPDATE runs SET status = ?, record = ? WHERE id = ?")
      .run(record.status, JSON.stringify(record), record.id);
  }

  appendLog(runId: string, line: string, at: string): void {
    // The next sequence number is computed in the insert itself, so concurrent writers of the
    // same run (there are none today) would still not collide silently: the primary key refuses.
    this.#db
      .prepare(
        "INSERT INTO run_log (run_id, seq, at, line) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_log WHERE run_id = ?), ?, ?)",
      )
      .run(runId, runId, at, line);
  }

  get(id: string): RunRecord {
    const row = this.#db.prepare("SELECT record FROM runs WHERE id = ?").get(id);
    if (row === undefined) return this.#getByPrefix(id);
    return withLiveness(JSON.parse(String(row.record)) as RunRecord);
  }

  #getByPrefix(prefix: string): RunRecord {
    // Like git, a unique prefix of an id is enough; `latest` names the newest run.
    const rows =
      prefix === "latest"
        ? this.#db.prepare("SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT 1").all()
        : this.#db
            .prepare("SELECT record FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2")
            .all(`${escapeLike(prefix)}%`);
    const only = rows.length === 1 ? rows[0] : undefined;
    if (only === undefined) throw siftError("RUN_NOT_FOUND", prefix);
    return withLiveness(JSON.parse(String(only.record)) as RunRecord);
  }

  log(id: string): RunLogLine[] {
    return this.#db
      .prepare("SELECT at, line FROM run_log WHERE run_id = ? ORDER BY seq")
      .all(id)
      .map((row) => ({ at: String(row.at), line: String(row.line) }));
  }

  list(options: { readonly limit?: number; readonly modelName?: string } = {}): RunSummary[] {
    const limit = options.limit ?? 50;
    const rows =
      options.modelName === undefined
        ? this.#db.prepare("SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?").all(limit)
        : this.#db
            .prepare("SELECT record FROM runs WHERE model_name = ? ORDER BY started_at DESC, id DESC LIMIT ?")
            .all(options.modelName, limit);
    return rows.map((row) => summarise(withLiveness(JSON.parse(String(row.record)) as RunRecord)));
  }

  runDir(id: string): string {
    const dir = path.join(this.#root, "runs", id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  close(): void {
    this.#db.close();
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A run still marked running whose process is gone was killed: show it as interrupted. */
function withLiveness(record: RunRecord): RunRecord {
  if (record.status !== "running" || processAlive(record.pid)) return record;
  return { ...record, status: "interrupted" satisfies RunStatus };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function summarise(record: RunRecord): RunSummary {
  return {
    id: record.id,
    kind: record.kind,
    modelName: record.modelName,
    status: record.status,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    artifact: record.artifact,
    promoted: record.promoted,
    f1: record.metrics?.test.f1 ?? null,
  };
}
