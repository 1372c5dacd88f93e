/**
 * `unpackPackage`: a seed package to a SQLite file. The database is decoded to a temporary file
 * beside the output, checked in full (table, columns, rows, labels, something left after
 * cleaning), and only then renamed into place — so the output is either complete or absent.
 */
import { randomBytes } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { decodePackage } from "./package-decoder.ts";
import { streamChecked } from "./prepare.ts";
import { requireFile } from "./read-source.ts";
import { sourceColumns } from "./source-columns.ts";
import { forEachSqliteRow } from "./sqlite-reader.ts";
import type { PrepareOptions } from "./types.ts";

export async function unpackPackage(
  packagePath: string,
  outFile: string,
  options: PrepareOptions = {},
): Promise<string> {
  await requireFile(packagePath);
  const temporary = join(
    dirname(outFile),
    `.${basename(outFile)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    const { sha256 } = await decodePackage(packagePath, temporary);
    // The same checks as prepareData, streamed: the rows are checked, not kept.
    await streamChecked(
      packagePath,
      async (sink) => ({
        format: "package",
        columns: forEachSqliteRow(temporary, sourceColumns(options), packagePath, sink),
        issues: [],
      }),
      { ...options, keepRawRows: false },
    );
    await rename(temporary, outFile);
    return sha256;
  } finally {
    await rm(temporary, { force: true });
  }
}
