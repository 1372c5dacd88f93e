/** JSON Lines: one object per line; blank lines are skipped; extra keys are ignored. */
import { siftError } from "../errors.ts";
import type { TextRows } from "./csv-reader.ts";
import { Interner, numberOrNull, requireColumns, type SourceColumns, textOrNull } from "./source-columns.ts";
import type { DataIssue, RawRow } from "./types.ts";

function parseLine(line: string, lineNumber: number, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw siftError(
      "DATA_BAD_JSONL",
      source,
      lineNumber,
      error instanceof Error ? error.message : String(error),
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw siftError(
      "DATA_BAD_JSONL",
      source,
      lineNumber,
      `found ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

export function readJsonlRows(text: string, columns: SourceColumns, source: string): TextRows {
  const objects: Record<string, unknown>[] = [];
  const keys = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const object = parseLine(line, i + 1, source);
    for (const key of Object.keys(object)) keys.add(key);
    objects.push(object);
  }
  if (objects.length === 0) throw siftError("DATA_NO_ROWS", source);
  const names = [...keys];
  requireColumns(source, names, columns);
  const labels = new Interner();
  const issues: DataIssue[] = [];
  const rows = objects.map((object, i): RawRow => {
    const rawText = object[columns.text];
    if (rawText !== undefined && rawText !== null && typeof rawText !== "string") {
      issues.push({
        row: i + 1,
        column: columns.text,
        code: "NOT_A_STRING",
        message: `text is a ${typeof rawText}`,
      });
    }
    const label = textOrNull(object[columns.label]);
    return {
      row: i + 1,
      text: textOrNull(rawText),
      label: label === null ? null : labels.get(label),
      classLabel: numberOrNull(object[columns.classLabel]),
    };
  });
  return { columns: names, rows, issues };
}
