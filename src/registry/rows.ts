/** Typed reads of node:sqlite rows, which are `Record<string, SQLOutputValue>`. */
import type { SQLOutputValue } from "node:sqlite";
import { siftError } from "../errors.ts";

export type Row = Record<string, SQLOutputValue>;

export function numberOf(row: Row, key: string): number {
  const value = row[key];
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw siftError("INTERNAL", `index column ${key} is ${typeof value}, expected a number`);
}

export function textOf(row: Row, key: string): string {
  const value = row[key];
  if (typeof value === "string") return value;
  throw siftError("INTERNAL", `index column ${key} is ${typeof value}, expected text`);
}

export function textOrNull(row: Row, key: string): string | null {
  const value = row[key];
  return value === null || value === undefined ? null : textOf(row, key);
}
