/**
 * `readSource`: any supported source to a Dataset of raw rows, the format told from the content.
 * `streamSource` is the same reading with each row handed to a sink instead of kept, so a caller
 * that cleans rows as they arrive never holds the raw rows of a large source.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { siftError } from "../errors.ts";
import type { ChunkSink } from "./chunk-read.ts";
import { readCsvRows, type TextRows } from "./csv-reader.ts";
import { detectFormat } from "./detect-format.ts";
import { readJsonlRows } from "./jsonl-reader.ts";
import { decodePackage } from "./package-decoder.ts";
import { ChunkWorker } from "./parallel-read.ts";
import { type SourceColumns, sourceColumns } from "./source-columns.ts";
import { forEachSqliteRow, type RowSink, streamSqliteRows } from "./sqlite-reader.ts";
import { decodeText } from "./text-decoding.ts";
import type { DataIssue, Dataset, RawRow, SourceFormat, SourceOptions } from "./types.ts";

export type { RowSink };

export async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw siftError("FILE_NOT_FOUND", path);
}

/** What a source is, once its rows have all gone to the sink. */
export interface StreamedSource {
  readonly format: SourceFormat;
  readonly columns: readonly string[];
  /** Problems the reader itself found (CSV / JSONL parsing), in row order. */
  readonly issues: readonly DataIssue[];
}

export interface StreamHooks {
  /** Called as each phase starts: "unpack" (packages only), then "read". */
  readonly onPhase?: (phase: "unpack" | "read") => void;
  /**
   * Takes a large SQLite table (or package) read and cleaned in chunks by two threads, in order,
   * instead of its rows one by one (see chunk-read.ts); other sources still go row by row.
   */
  readonly chunks?: ChunkSink;
}

function sqliteRows(
  dbPath: string,
  columns: SourceColumns,
  source: string,
  sink: RowSink,
  hooks: StreamHooks,
  early?: ChunkWorker,
): Promise<readonly string[]> | readonly string[] {
  return hooks.chunks === undefined
    ? forEachSqliteRow(dbPath, columns, source, sink)
    : streamSqliteRows(dbPath, columns, source, sink, hooks.chunks, early);
}

/**
 * Packages this large (compressed) start the read's worker before they are unpacked: ~100,000
 * short rows, as many as make a read in two threads worth it (chunk-read.ts), take 1–2 MB. A
 * smaller package that still holds that many rows starts its worker at the read, as a SQLite file
 * does; a larger one with fewer rows has started a worker for nothing (it is stopped unused).
 */
const EARLY_WORKER_BYTES = 1_000_000;

/** Decodes a package into a private temporary directory, streams it, and removes the directory. */
async function streamPackage(
  path: string,
  columns: SourceColumns,
  sink: RowSink,
  hooks: StreamHooks,
): Promise<readonly string[]> {
  const dir = await mkdtemp(join(tmpdir(), "sift-package-"));
  // Its start-up (a thread, an isolate, its modules: a few hundred ms) runs beside the unpacking.
  const early =
    hooks.chunks !== undefined && (await stat(path)).size >= EARLY_WORKER_BYTES
      ? ChunkWorker.early()
      : undefined;
  try {
    const dbPath = join(dir, "data.db");
    hooks.onPhase?.("unpack");
    await decodePackage(path, dbPath, { hash: false });
    hooks.onPhase?.("read");
    return await sqliteRows(dbPath, columns, path, sink, hooks, early);
  } finally {
    await early?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function readText(path: string, format: "csv" | "jsonl", columns: SourceColumns): Promise<TextRows> {
  const { text } = decodeText(await readFile(path));
  return format === "csv" ? readCsvRows(text, columns, path) : readJsonlRows(text, columns, path);
}

async function streamRows(
  path: string,
  format: SourceFormat,
  columns: SourceColumns,
  sink: RowSink,
  hooks: StreamHooks,
): Promise<{ columns: readonly string[]; issues: readonly DataIssue[] }> {
  switch (format) {
    case "package":
      return { columns: await streamPackage(path, columns, sink, hooks), issues: [] };
    case "sqlite":
      hooks.onPhase?.("read");
      return { columns: await sqliteRows(path, columns, path, sink, hooks), issues: [] };
    default: {
      // Text sources are parsed whole (their parsers need the whole text); rows then stream on.
      hooks.onPhase?.("read");
      const read = await readText(path, format, columns);
      for (const row of read.rows) sink(row);
      return { columns: read.columns, issues: read.issues };
    }
  }
}

export async function streamSource(
  path: string,
  options: SourceOptions | undefined,
  sink: RowSink,
  hooks: StreamHooks = {},
): Promise<StreamedSource> {
  await requireFile(path);
  const format = await detectFormat(path);
  const { columns, issues } = await streamRows(path, format, sourceColumns(options), sink, hooks);
  return { format, columns, issues };
}

export async function readSource(path: string, options?: SourceOptions): Promise<Dataset> {
  const rows: RawRow[] = [];
  const { format, columns, issues } = await streamSource(path, options, (row) => rows.push(row));
  return { source: path, format, columns, rows, issues };
}
