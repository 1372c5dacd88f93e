/**
 * sha256 of the cleaned rows in canonical order, so the same cleaned data gives the same
 * fingerprint whatever order the source stored it in. Canonical order: by a hash of the key, then
 * key, text and label — sorting row indices by a 32-bit number is several times faster on a
 * million rows than sorting the strings themselves.
 */
import { createHash } from "node:crypto";
import { seededHash } from "./group-allocation.ts";
import type { CleanRow } from "./types.ts";

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

type Fingerprinted = Pick<CleanRow, "key" | "text" | "label">;

export function fingerprint(rows: readonly Fingerprinted[]): string {
  const hashes = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) hashes[i] = seededHash((rows[i] as Fingerprinted).key, 0);
  const order = Array.from({ length: rows.length }, (_, i) => i);
  order.sort((i, j) => {
    const byHash = (hashes[i] as number) - (hashes[j] as number);
    if (byHash !== 0) return byHash;
    const a = rows[i] as Fingerprinted;
    const b = rows[j] as Fingerprinted;
    return compare(a.key, b.key) || compare(a.text, b.text) || compare(a.label, b.label);
  });
  const hash = createHash("sha256");
  // Batched: one update per few thousand rows instead of one per row.
  let batch = "";
  for (const i of order) {
    const row = rows[i] as Fingerprinted;
    batch += `${row.label}\t${JSON.stringify(row.text)}\n`;
    if (batch.length > 1 << 16) {
      hash.update(batch);
      batch = "";
    }
  }
  hash.update(batch);
  return hash.digest("hex");
}
