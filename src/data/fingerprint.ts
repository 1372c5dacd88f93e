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

/**
 * Rows are written as UTF-8 into one reused buffer and hashed a buffer at a time: building a batch
 * string by concatenation and hashing it cost as much again (the string is flattened, then encoded).
 */
const BATCH = 1 << 16;

/** `label` + tab as UTF-8, encoded once per distinct label. */
function labelPrefixes(): (label: string) => Buffer {
  const cache = new Map<string, Buffer>();
  return (label) => {
    let bytes = cache.get(label);
    if (bytes === undefined) {
      bytes = Buffer.from(`${label}\t`);
      cache.set(label, bytes);
    }
    return bytes;
  };
}

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

/**
 * The fingerprint of `rows` visited in `order`, which must be their canonical order: the sha256 of
 * one line per row, `label<TAB>JSON text<LF>`, in UTF-8.
 */
export function fingerprintInOrder(rows: readonly Fingerprinted[], order: Uint32Array): string {
  const hash = createHash("sha256");
  const prefix = labelPrefixes();
  let buffer = Buffer.allocUnsafe(2 * BATCH);
  let at = 0;
  for (const i of order) {
    const row = rows[i] as Fingerprinted;
    const head = prefix(row.label);
    const text = JSON.stringify(row.text);
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const most = head.length + 3 * text.length + 1;
    if (at + most > buffer.length) {
      hash.update(buffer.subarray(0, at));
      at = 0;
      if (most > buffer.length) buffer = Buffer.allocUnsafe(most);
    }
    at += head.copy(buffer, at);
    at += buffer.write(text, at, "utf8");
    buffer[at++] = 0x0a;
  }
  hash.update(buffer.subarray(0, at));
  return hash.digest("hex");
}

export function fingerprint(rows: readonly Fingerprinted[]): string {
  return fingerprintInOrder(rows, canonicalOrder(rows));
}
