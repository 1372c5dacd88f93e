/** `readSource`: any supported source to a Dataset of raw rows, the format told from the content. */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { siftError } from "../errors.ts";
import { readCsvRows, type TextRows } from "./csv-reader.ts";
import { detectFormat } from "./detect-format.ts";
import { readJsonlRows } from "./jsonl-reader.ts";
import { decodePackage } from "./package-decoder.ts";
import { type SourceColumns, sourceColumns } from "./source-columns.ts";
import { readSqliteRows, type SqliteRows } from "./sqlite-reader.ts";
import { decodeText } from "./text-decoding.ts";
import type { Dataset, SourceFormat, SourceOptions } from "./types.ts";

export async function requireFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw siftError("FILE_NOT_FOUND", path);
}

/** Decodes a package into a private temporary directory, reads it, and removes the directory. */
async function readPackage(path: string, columns: SourceColumns): Promise<SqliteRows> {
  const dir = await mkdtemp(join(tmpdir(), "sift-package-"));
  try {
    const dbPath = join(dir, "data.db");
    await decodePackage(path, dbPath);
    return readSqliteRows(dbPath, columns, path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readText(path: string, format: "csv" | "jsonl", columns: SourceColumns): Promise<TextRows> {
  const { text } = decodeText(await readFile(path));
  return format === "csv" ? readCsvRows(text, columns, path) : readJsonlRows(text, columns, path);
}

async function readRows(path: string, format: SourceFormat, columns: SourceColumns): Promise<TextRows> {
  switch (format) {
    case "package":
      return { ...(await readPackage(path, columns)), issues: [] };
    case "sqlite":
      return { ...readSqliteRows(path, columns, path), issues: [] };
    default:
      return readText(path, format, columns);
  }
}

export async function readSource(path: string, options?: SourceOptions): Promise<Dataset> {
  await requireFile(path);
  const format = await detectFormat(path);
  const { columns, rows, issues } = await readRows(path, format, sourceColumns(options));
  return { source: path, format, columns, rows, issues };
}
