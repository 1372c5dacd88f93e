/**
 * What a model was fitted and tuned on, kept in its artifact: the sorted, distinct 64-bit hashes
 * of the normalised keys of its training and validation rows, 8 bytes each, little-endian. A later
 * candidate's champion gate reads it to score both models only on rows the champion never saw —
 * the split moves rows between sides when the data grows, so "the candidate's test rows" are
 * largely the champion's training rows otherwise.
 *
 * 64 bits keep an accidental collision (a row wrongly counted as seen) below one in 10^9 even for
 * a million distinct sentences; the file stays 8 bytes a row. Sorted and distinct, so the same
 * rows give the same bytes whatever order they came in.
 */
import { createHash } from "node:crypto";

/** The artifact file name; listed in the manifest with its sha256 like every other file. */
export const SEEN_KEYS_FILE = "seen-keys.u64";

/** What the file holds, recorded in `manifest.trainingConfig.seenKeys` for a reader of the manifest. */
export const SEEN_KEYS_FORMAT =
  "sorted distinct little-endian u64: first 8 bytes of sha256(normalised key), train + validation rows";

/** First 8 bytes of sha256 of the key, as an unsigned 64-bit integer. */
export function keyHash(key: string): bigint {
  const digest = createHash("sha256").update(key, "utf8").digest();
  return digest.readBigUInt64BE(0);
}

export function encodeSeenKeys(keys: Iterable<string>): Uint8Array {
  const distinct = new Set<bigint>();
  for (const key of keys) distinct.add(keyHash(key));
  return encodeHashes(distinct);
}

function encodeHashes(distinct: ReadonlySet<bigint>): Uint8Array {
  const sorted = BigUint64Array.from(distinct).sort();
  const out = new Uint8Array(sorted.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < sorted.length; i++) view.setBigUint64(i * 8, sorted[i] as bigint, true);
  return out;
}

/**
 * A seen-keys file holding `bytes`' hashes (another seen-keys file) and those of `keys`: what a
 * model continued from a base saw. null when `bytes` is not a seen-keys file.
 */
export function mergeSeenKeys(bytes: Uint8Array, keys: Iterable<string>): Uint8Array | null {
  const base = decodeSeenKeys(bytes);
  if (base === null) return null;
  const distinct = new Set<bigint>(base);
  for (const key of keys) distinct.add(keyHash(key));
  return encodeHashes(distinct);
}

/**
 * The hashes of a seen-keys file, or null when the bytes are not one (not a whole number of
 * 8-byte entries, or not strictly ascending): the registry has already checked the file's
 * checksum, so a bad file here means a different writer, and the gate falls back to all rows.
 */
export function decodeSeenKeys(bytes: Uint8Array): BigUint64Array | null {
  if (bytes.byteLength % 8 !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new BigUint64Array(bytes.byteLength / 8);
  for (let i = 0; i < out.length; i++) {
    out[i] = view.getBigUint64(i * 8, true);
    if (i > 0 && (out[i] as bigint) <= (out[i - 1] as bigint)) return null;
  }
  return out;
}

/** Whether `hash` is in the ascending array (binary search). */
export function hasHash(sorted: BigUint64Array, hash: bigint): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = sorted[mid] as bigint;
    if (value === hash) return true;
    if (value < hash) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
