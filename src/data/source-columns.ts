/** Column names a source is read with: the contract's defaults unless the caller names others. */
import { siftError } from "../errors.ts";
import type { SourceOptions } from "./types.ts";

export interface SourceColumns {
  readonly table: string;
  readonly text: string;
  readonly label: string;
  readonly classLabel: string;
}

export function sourceColumns(options: SourceOptions = {}): SourceColumns {
  return {
    table: options.table ?? "data",
    text: options.textColumn ?? "text",
    label: options.labelColumn ?? "choose_one",
    classLabel: options.classLabelColumn ?? "class_label",
  };
}

/** Throws DATA_NO_COLUMN unless the text and label columns are both present. */
export function requireColumns(where: string, present: readonly string[], columns: SourceColumns): void {
  const listed = present.length > 0 ? present.join(", ") : "none";
  if (!present.includes(columns.text)) throw siftError("DATA_NO_COLUMN", where, columns.text, listed, "text");
  if (!present.includes(columns.label))
    throw siftError("DATA_NO_COLUMN", where, columns.label, listed, "label");
}

/** Reuses one string per distinct label, so a million rows do not hold a million label copies. */
export class Interner {
  private readonly seen = new Map<string, string>();
  /** The last value: labels come in runs, and comparing a short string beats hashing it. */
  private last = "";
  get(value: string): string {
    if (value === this.last) return this.last;
    const known = this.seen.get(value);
    if (known !== undefined) {
      this.last = known;
      return known;
    }
    this.seen.set(value, value);
    this.last = value;
    return value;
  }
}

export function textOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  return null;
}

export function numberOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "") {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}
