/**
 * Binary encodings for saved models: little-endian typed arrays (whatever the host's byte order,
 * so an artifact moves between machines) and UTF-8 JSON. Same array ⇒ same bytes.
 */
import { siftError } from "../errors.ts";

export function f64ToBytes(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
  return out;
}

export function bytesToF64(bytes: Uint8Array, what: string): Float64Array {
  if (bytes.length % 8 !== 0)
    throw siftError("MODEL_SPEC_INVALID", `${what} is not a whole number of float64`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

export function jsonToBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function bytesToJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw siftError("MODEL_SPEC_INVALID", `${what} is not UTF-8 JSON`);
  }
}

/** Looks a file up in a saved model, failing with the file's name when it is missing. */
export function requireFile(files: Readonly<Record<string, Uint8Array>>, name: string): Uint8Array {
  const file = files[name];
  if (file === undefined) throw siftError("MODEL_SPEC_INVALID", `file ${name} is missing`);
  return file;
}
