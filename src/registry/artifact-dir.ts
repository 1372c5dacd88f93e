/**
 * The directory form of an artifact: manifest.json plus the files it lists. Writing puts the data
 * files first and the manifest last (its presence means the rest is complete); reading refuses
 * links and anything not listed, and checks sizes before hashing so a truncated file costs no I/O.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { siftError } from "../errors.ts";
import { buildManifest, MANIFEST_FILE, parseManifest, serializeManifest } from "./artifact-manifest.ts";
import { checkFileBytes, checkFileSet, checkFileSize } from "./artifact-verify.ts";
import { sha256Hex } from "./hash.ts";
import { nodeStoreWriter } from "./store-writer.ts";
import type { ArtifactDraft, LoadedArtifact, Manifest, StoreWriter } from "./types.ts";

/** Writes the data files of an artifact into `dir` (which must exist) and fsyncs them. */
export function writeArtifactFiles(
  dir: string,
  files: Readonly<Record<string, Uint8Array>>,
  writer: StoreWriter = nodeStoreWriter,
): void {
  const made = new Set<string>([dir]);
  for (const name of Object.keys(files).sort()) {
    const target = path.join(dir, ...name.split("/"));
    const parent = path.dirname(target);
    if (!made.has(parent)) {
      writer.mkdir(parent);
      made.add(parent);
    }
    writer.writeFile(target, files[name] ?? new Uint8Array(0));
  }
  for (const madeDir of made) writer.syncDir(madeDir);
}

export function writeManifestFile(
  dir: string,
  manifest: Manifest,
  writer: StoreWriter = nodeStoreWriter,
): void {
  writer.writeFile(path.join(dir, MANIFEST_FILE), serializeManifest(manifest));
  writer.syncDir(dir);
}

/**
 * Writes a complete artifact directory (created if missing) for version `version` of `name`.
 * Outside the registry this is how a trainer or a test materialises an artifact.
 */
export function writeArtifact(
  dir: string,
  name: string,
  version: number,
  draft: ArtifactDraft,
  writer: StoreWriter = nodeStoreWriter,
): Manifest {
  const manifest = buildManifest(name, version, draft);
  writer.mkdir(dir);
  writeArtifactFiles(dir, draft.files, writer);
  writeManifestFile(dir, manifest, writer);
  return manifest;
}

/**
 * Reads and fully verifies the artifact directory `dir`. The registry passes the manifest digest it
 * pinned at registration, which covers manifest.json itself (the manifest cannot list its own hash).
 */
export async function readArtifact(dir: string, manifestSha256?: string): Promise<LoadedArtifact> {
  const manifestBytes = await readManifestBytes(dir);
  if (manifestSha256 !== undefined && sha256Hex(manifestBytes) !== manifestSha256) {
    throw siftError("ARTIFACT_TAMPERED", dir, MANIFEST_FILE);
  }
  const manifest = parseManifest(manifestBytes, dir);
  const present = await listFiles(dir);
  checkFileSet(manifest, present.keys(), dir);
  const files: Record<string, Uint8Array> = {};
  for (const name of Object.keys(manifest.files).sort()) {
    const file = path.join(dir, ...name.split("/"));
    checkFileSize(manifest, name, present.get(name) ?? -1, dir);
    const data = asBytes(await fs.readFile(file));
    checkFileBytes(manifest, name, data, dir);
    files[name] = data;
  }
  return { manifest, files, dir };
}

/** The raw manifest bytes (the registry also pins their digest in its index). */
export async function readManifestBytes(dir: string): Promise<Uint8Array> {
  try {
    return asBytes(await fs.readFile(path.join(dir, MANIFEST_FILE)));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw siftError("ARTIFACT_INVALID", dir, `${MANIFEST_FILE} is missing`);
    }
    throw error;
  }
}

/** Every regular file under `dir` except the manifest, as relative '/' path → size. */
async function listFiles(dir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(dir, full).split(path.sep).join("/");
    if (entry.isDirectory()) continue;
    if (!entry.isFile())
      throw siftError("ARTIFACT_INVALID", dir, `${rel} is not a regular file (links are refused)`);
    if (rel === MANIFEST_FILE) continue;
    found.set(rel, (await fs.stat(full)).size);
  }
  return found;
}

/** A plain Uint8Array view of a Buffer, without copying (readFile gives each file its own memory). */
function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
