/**
 * Prediction ids: UUID version 7 (RFC 9562). The first 48 bits are the Unix time in ms, so ids
 * sort by creation time — handy when joining feedback to the prediction log. Random bits come
 * from a pooled buffer refilled in one call, because a crypto call per request costs more than
 * the prediction itself on the single-sentence path.
 */
import { getRandomValues } from "node:crypto";

const POOL_IDS = 512;
const RANDOM_BYTES = 10;
const pool = new Uint8Array(POOL_IDS * RANDOM_BYTES);
let offset = pool.length;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex(byte: number | undefined): string {
  return HEX[byte ?? 0] ?? "00";
}

/** A new UUID v7 string, e.g. `0193a4e2-7c1f-7b3d-9a1e-4f0c2b7d9e11`. */
export function predictionId(nowMs: number = Date.now()): string {
  if (offset + RANDOM_BYTES > pool.length) {
    getRandomValues(pool);
    offset = 0;
  }
  const r = pool.subarray(offset, offset + RANDOM_BYTES);
  offset += RANDOM_BYTES;
  // 48-bit big-endian timestamp: split because bit operators in JS are 32-bit.
  const high = Math.floor(nowMs / 0x1_0000_0000);
  const low = nowMs >>> 0;
  const time =
    hex((high >>> 8) & 0xff) +
    hex(high & 0xff) +
    hex(low >>> 24) +
    hex((low >>> 16) & 0xff) +
    "-" +
    hex((low >>> 8) & 0xff) +
    hex(low & 0xff);
  const versioned = hex(0x70 | ((r[0] ?? 0) & 0x0f)) + hex(r[1]);
  const variant = hex(0x80 | ((r[2] ?? 0) & 0x3f)) + hex(r[3]);
  const tail = hex(r[4]) + hex(r[5]) + hex(r[6]) + hex(r[7]) + hex(r[8]) + hex(r[9]);
  return `${time}-${versioned}-${variant}-${tail}`;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Whether `id` has the shape of a UUID v7 (used by tests and by request-id sanitising). */
export function isPredictionId(id: string): boolean {
  return UUID_V7.test(id);
}

/** The creation time encoded in a UUID v7, in ms since the epoch. */
export function predictionIdTime(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
