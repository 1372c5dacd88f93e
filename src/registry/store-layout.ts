/**
 * Where things live under a store root:
 *   index.sqlite            the index (plus its -wal and -shm files)
 *   models/<name>/<version> one artifact directory per registered version
 *   tmp/                    staging and trash dirs: stage-<pid>-<id>, trash-<pid>-<id>
 * Staging sits inside the root so the final rename never crosses a file system. Only names that
 * passed `assertModelName` reach these functions.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";

export const INDEX_FILE = "index.sqlite";
export const MODELS_DIR = "models";
export const TMP_DIR = "tmp";

export function indexPath(root: string): string {
  return path.join(root, INDEX_FILE);
}

export function modelDir(root: string, name: string): string {
  return path.join(root, MODELS_DIR, name);
}

export function versionDir(root: string, name: string, version: number): string {
  return path.join(root, MODELS_DIR, name, String(version));
}

/** A fresh path in tmp/ that records the owning process, so repair leaves live writers alone. */
export function scratchPath(root: string, kind: "stage" | "trash"): string {
  return path.join(root, TMP_DIR, `${kind}-${process.pid}-${randomUUID()}`);
}

/** The pid a tmp/ entry was made by, or null if the name is not one of ours. */
export function scratchOwner(entry: string): number | null {
  const match = /^(?:stage|trash)-(\d+)-[0-9a-f-]+$/.exec(entry);
  return match?.[1] === undefined ? null : Number(match[1]);
}
