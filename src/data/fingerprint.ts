/**
 * sha256 of the cleaned rows in canonical order, so the same cleaned data gives the same
 * fingerprint whatever order the source stored it in. Canonical order: by a hash of the key, then
 * key, text and label — sorting by a 32-bit number (natively, see hash-order.ts) is many times
 * faster on a million rows than sorting the strings themselves.
 */
import { createHash } from "node:crypto";
import { seededHash } from "./group-allocation.ts";
import { compareStrings, orderByHash, orderTies } from "./hash-order.ts";
import type { CleanRow } from "./types.ts";

type Fingerprinted = Pick<CleanRow, "key" | "text" | "label">;

/** Rows are hashed in batches of about this many characters: one update per row costs more. */
const BATCH = 1 << 16;

/** Indices of `rows` in canonical order: hash of key, then key, text and label. */
function canonicalOrder(rows: readonly Fingerprinted[]): Uint32Array {
  const hashes = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) hashes[i] = seededHash((rows[i] as Fingerprinted).key, 0);
  const order = orderByHash(hashes);
  orderTies(order, hashes, (i, j) => {
    const a = rows[i] as Fingerprinted;
    const b = rows[j] as Fingerprinted;
    return compareStrings(a.key, b.key) || compareStrings(a.text, b.text) || compareStrings(a.label, b.label);
  });
  return order;
}

/** The fingerprint of `rows` visited in `order`, which must be their canonical order. */
export function fingerprintInOrder(rows: readonly Fingerprinted[], order: Uint32Array): string {
  const hash = createHash("sha256");
  let batch = "";
  for (const i of order) {
    const row = rows[i] as Fingerprinted;
    batch += `${row.label}\t${JSON.stringify(row.text)}\n`;
    if (batch.length > BATCH) {
      hash.update(batch);
      batch = "";
    }
  }
  hash.update(batch);
  return hash.digest("hex");
}

export function fingerprint(rows: readonly Fingerprinted[]): string {
  return fingerprintInOrder(rows, canonicalOrder(rows));
}
