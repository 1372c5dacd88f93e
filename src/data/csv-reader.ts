/** RFC 4180 CSV through csv-parse: quoted fields with commas, quotes and newlines; CRLF or LF. */
import { parse } from "csv-parse/sync";
import { siftError } from "../errors.ts";
import { Interner, numberOrNull, requireColumns, type SourceColumns } from "./source-columns.ts";
import type { DataIssue, RawRow } from "./types.ts";

export interface TextRows {
  readonly columns: readonly string[];
  readonly rows: readonly RawRow[];
  readonly issues: readonly DataIssue[];
}

function parseRecords(text: string, source: string): string[][] {
  try {
    return parse(text, { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const lines = (error as { lines?: unknown }).lines;
    const message = error instanceof Error ? error.message.replace(/^Invalid .*?: /, "") : String(error);
    throw siftError("DATA_BAD_CSV", source, message, typeof lines === "number" ? lines : "?");
  }
}

export function readCsvRows(text: string, columns: SourceColumns, source: string): TextRows {
  const [header = [], ...records] = parseRecords(text, source);
  const names = header.map((h) => h.trim());
  requireColumns(source, names, columns);
  const at = (name: string): number => names.indexOf(name);
  const [textAt, labelAt, classAt] = [at(columns.text), at(columns.label), at(columns.classLabel)];
  const labels = new Interner();
  const issues: DataIssue[] = [];
  const rows = records.map((record, i): RawRow => {
    if (record.length !== names.length) {
      issues.push({
        row: i + 1,
        column: null,
        code: "RAGGED_ROW",
        message: `row has ${record.length} fields; the header has ${names.length}`,
      });
    }
    const label = record[labelAt];
    return {
      row: i + 1,
      text: record[textAt] ?? null,
      label: label === undefined ? null : labels.get(label),
      classLabel: classAt >= 0 ? numberOrNull(record[classAt]) : null,
    };
  });
  if (rows.length === 0) throw siftError("DATA_NO_ROWS", source);
  return { columns: names, rows, issues };
}
