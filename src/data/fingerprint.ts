/**
 * sha256 of the cleaned rows in canonical order (by key, then text, then label), so the same
 * cleaned data gives the same fingerprint whatever order the source stored it in.
 */
import { createHash } from "node:crypto";
import type { CleanRow } from "./types.ts";

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

export function fingerprint(rows: readonly Pick<CleanRow, "key" | "text" | "label">[]): string {
  const order = rows
    .slice()
    .sort((a, b) => compare(a.key, b.key) || compare(a.text, b.text) || compare(a.label, b.label));
  const hash = createHash("sha256");
  // Batched: one update per few thousand rows instead of one per row.
  let batch = "";
  for (const row of order) {
    batch += `${row.label}\t${JSON.stringify(row.text)}\n`;
    if (batch.length > 1 << 16) {
      hash.update(batch);
      batch = "";
    }
  }
  hash.update(batch);
  return hash.digest("hex");
}
