/**
 * Registering and deleting versions: the two operations that add or remove artifact directories.
 *
 * register: the data files go to tmp/stage-… and are fsynced outside any lock (the slow part); then,
 * inside one BEGIN IMMEDIATE transaction, the version number is allocated, the manifest (which holds
 * that number) is written, the staging dir is renamed to models/<name>/<version> and the index row is
 * inserted. A crash before COMMIT leaves the old index plus, at worst, an unindexed directory that
 * readers never look at; the next registrar of that number moves it aside, and `verify --repair`
 * removes it. A crash after COMMIT leaves the complete new version.
 */
import fs from "node:fs";
import path from "node:path";
import { siftError } from "../errors.ts";
import { writeArtifactFiles } from "./artifact-dir.ts";
import { assembleManifest, hashDraftFiles, MANIFEST_FILE, serializeManifest } from "./artifact-manifest.ts";
import { sha256Hex } from "./hash.ts";
import { inWriteTransaction } from "./index-db.ts";
import { aliasesAt, aliasesOf, requireVersion } from "./index-queries.ts";
import { assertModelName, assertVersion } from "./names.ts";
import { numberOf } from "./rows.ts";
import type { StoreContext } from "./store-context.ts";
import { modelDir, scratchPath, versionDir } from "./store-layout.ts";
import { storeWriteError } from "./store-writer.ts";
import type { ArtifactDraft, FileEntry, Manifest, TrafficPolicy } from "./types.ts";

export async function registerVersion(
  ctx: StoreContext,
  name: string,
  draft: ArtifactDraft,
): Promise<Manifest> {
  assertModelName(name);
  const entries = hashDraftFiles(name, draft);
  assembleManifest(name, 1, draft, entries); // a bad draft is refused before anything is written
  const staging = scratchPath(ctx.root, "stage");
  try {
    ctx.writer.mkdir(staging);
    writeArtifactFiles(staging, draft.files, ctx.writer);
    return inWriteTransaction(ctx.db, () => commitStaged(ctx, name, draft, entries, staging));
  } catch (error) {
    throw storeWriteError(ctx.root, error);
  } finally {
    bestEffortRemove(ctx, staging); // after success the staging dir has been renamed away
  }
}

/** Runs under the index write lock. Undoes its rename if anything after it fails. */
function commitStaged(
  ctx: StoreContext,
  name: string,
  draft: ArtifactDraft,
  entries: Readonly<Record<string, FileEntry>>,
  staging: string,
): Manifest {
  const version = allocateVersion(ctx, name);
  const manifest = assembleManifest(name, version, draft, entries);
  const manifestBytes = serializeManifest(manifest);
  ctx.writer.writeFile(path.join(staging, MANIFEST_FILE), manifestBytes);
  ctx.writer.syncDir(staging);
  const target = versionDir(ctx.root, name, version);
  ctx.writer.mkdir(modelDir(ctx.root, name));
  moveAsideLeftover(ctx, target);
  ctx.writer.rename(staging, target);
  try {
    ctx.writer.syncDir(modelDir(ctx.root, name));
    insertVersionRow(ctx, manifest, sha256Hex(manifestBytes), manifestBytes.byteLength);
  } catch (error) {
    ctx.writer.rename(target, staging);
    throw error;
  }
  return manifest;
}

function allocateVersion(ctx: StoreContext, name: string): number {
  const now = ctx.clock().toISOString();
  ctx.db
    .prepare("INSERT OR IGNORE INTO models (name, next_version, created_at) VALUES (?, 1, ?)")
    .run(name, now);
  const row = ctx.db.prepare("SELECT next_version FROM models WHERE name = ?").get(name);
  const version = row === undefined ? 1 : numberOf(row, "next_version");
  ctx.db.prepare("UPDATE models SET next_version = ? WHERE name = ?").run(version + 1, name);
  return version;
}

/** A directory at an unallocated number can only be a crash leftover (see the file comment). */
function moveAsideLeftover(ctx: StoreContext, target: string): void {
  if (!fs.existsSync(target)) return;
  const trash = scratchPath(ctx.root, "trash");
  ctx.writer.rename(target, trash);
  bestEffortRemove(ctx, trash);
}

function insertVersionRow(
  ctx: StoreContext,
  manifest: Manifest,
  manifestSha256: string,
  manifestBytes: number,
): void {
  const fileBytes = Object.values(manifest.files).reduce((sum, entry) => sum + entry.bytes, 0);
  ctx.db
    .prepare(
      `INSERT INTO versions (name, version, created_at, registered_at, run_id, threshold, data_fingerprint,
         metrics_json, manifest_sha256, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      manifest.name,
      manifest.version,
      manifest.createdAt,
      ctx.clock().toISOString(),
      manifest.runId,
      manifest.threshold,
      manifest.dataFingerprint,
      JSON.stringify(manifest.metrics),
      manifestSha256,
      fileBytes + manifestBytes,
    );
}

/**
 * Removes the index row first, then the directory: a crash in between leaves an unindexed
 * directory (invisible to readers, removed by repair), never an index row without its files.
 */
export async function deleteVersion(
  ctx: StoreContext,
  name: string,
  version: number,
  policyOf: (name: string) => TrafficPolicy,
): Promise<void> {
  assertModelName(name);
  assertVersion(name, version);
  try {
    inWriteTransaction(ctx.db, () => {
      requireVersion(ctx, name, version);
      const holders = aliasesAt(aliasesOf(ctx.db, name), version);
      if (holders.length > 0) throw siftError("VERSION_IN_USE", version, name, holders.join(", "));
      const policy = policyOf(name);
      if (policy.split.some((s) => s.version === version) || policy.shadow.includes(version)) {
        throw siftError("VERSION_IN_TRAFFIC_POLICY", version, name);
      }
      ctx.db.prepare("DELETE FROM versions WHERE name = ? AND version = ?").run(name, version);
    });
  } catch (error) {
    throw storeWriteError(ctx.root, error);
  }
  const trash = scratchPath(ctx.root, "trash");
  try {
    ctx.writer.rename(versionDir(ctx.root, name, version), trash);
  } catch {
    return; // the version is gone from the index; its directory is now an orphan for repair
  }
  bestEffortRemove(ctx, trash);
}

function bestEffortRemove(ctx: StoreContext, target: string): void {
  try {
    ctx.writer.remove(target);
  } catch {
    // Leftovers in tmp/ are invisible to readers and reported by verify.
  }
}
