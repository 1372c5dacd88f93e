/**
 * The one check every way of reading an artifact goes through: the files present are exactly the
 * files the manifest lists, with the listed sizes and sha256 digests.
 */
import { siftError } from "../errors.ts";
import { sha256Hex } from "./hash.ts";
import type { Manifest } from "./types.ts";

/** Refuses (before reading bytes) a file set that is not exactly the manifest's: missing or extra files. */
export function checkFileSet(manifest: Manifest, present: Iterable<string>, at: string): void {
  const listed = new Set(Object.keys(manifest.files));
  const seen = new Set<string>();
  for (const path of present) {
    if (!listed.has(path))
      throw siftError("ARTIFACT_INVALID", at, `file ${path} is not listed in the manifest`);
    seen.add(path);
  }
  for (const path of [...listed].sort()) {
    if (!seen.has(path))
      throw siftError("ARTIFACT_INVALID", at, `file ${path} listed in the manifest is missing`);
  }
}

/** A size that differs from the manifest means truncation or tampering: refused without hashing. */
export function checkFileSize(manifest: Manifest, path: string, bytes: number, at: string): void {
  const entry = manifest.files[path];
  if (entry === undefined)
    throw siftError("ARTIFACT_INVALID", at, `file ${path} is not listed in the manifest`);
  if (entry.bytes !== bytes)
    throw siftError("ARTIFACT_TAMPERED", at, `${path} (${bytes} bytes, expected ${entry.bytes})`);
}

export function checkFileBytes(manifest: Manifest, path: string, data: Uint8Array, at: string): void {
  checkFileSize(manifest, path, data.byteLength, at);
  if (sha256Hex(data) !== manifest.files[path]?.sha256) throw siftError("ARTIFACT_TAMPERED", at, path);
}

/** Full check of an in-memory artifact (from a .tgz or a draft). */
export function verifyArtifactFiles(
  manifest: Manifest,
  files: ReadonlyMap<string, Uint8Array>,
  at: string,
): Readonly<Record<string, Uint8Array>> {
  checkFileSet(manifest, files.keys(), at);
  const out: Record<string, Uint8Array> = {};
  for (const path of Object.keys(manifest.files).sort()) {
    const data = files.get(path) ?? new Uint8Array(0);
    checkFileBytes(manifest, path, data, at);
    out[path] = data;
  }
  return out;
}
