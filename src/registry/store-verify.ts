/**
 * `verify`: the index against the files. Every indexed version must load (checksums, format, the
 * manifest digest pinned in the index); aliases and policies must point at indexed versions; each
 * model's counter must be past its highest version. Orphans (staging dirs, unindexed version dirs
 * left by a crash) are not problems — readers never see them — but are listed, and removed with
 * `repair`. Repair holds the index write lock while it removes unindexed version dirs, because a
 * registrar renames its directory in under that same lock just before it commits.
 */
import fs from "node:fs";
import path from "node:path";
import { isSiftError } from "../errors.ts";
import { inWriteTransaction } from "./index-db.ts";
import { versionRow } from "./index-queries.ts";
import { isValidName } from "./names.ts";
import { loadVersion } from "./registry-read.ts";
import { numberOf, textOf } from "./rows.ts";
import type { StoreContext } from "./store-context.ts";
import { MODELS_DIR, scratchOwner, scratchPath, TMP_DIR } from "./store-layout.ts";
import { storeWriteError } from "./store-writer.ts";
import type { StoreVerifyReport, VerifyReport } from "./types.ts";

type Problem = VerifyReport["problems"][number];

export async function verifyStore(ctx: StoreContext, repair: boolean): Promise<StoreVerifyReport> {
  const problems: Problem[] = [];
  const rows = ctx.db.prepare("SELECT name, version FROM versions ORDER BY name, version").all();
  for (const row of rows) {
    const name = textOf(row, "name");
    const version = numberOf(row, "version");
    try {
      await loadVersion(ctx, name, version);
    } catch (error) {
      if (!isSiftError(error)) throw error;
      problems.push({ name, version, problem: `${error.code}: ${error.message}` });
    }
  }
  problems.push(...danglingReferences(ctx), ...counterProblems(ctx));
  const orphans = [...unindexedVersionDirs(ctx), ...scratchEntries(ctx)];
  const repaired = repair ? removeOrphans(ctx) : [];
  const left = repair ? [...unindexedVersionDirs(ctx), ...scratchEntries(ctx)] : orphans;
  return { ok: problems.length === 0, checked: rows.length, problems, orphans: left, repaired };
}

function danglingReferences(ctx: StoreContext): Problem[] {
  const problems: Problem[] = [];
  for (const row of ctx.db.prepare("SELECT name, alias, version FROM aliases ORDER BY name, alias").all()) {
    const name = textOf(row, "name");
    const version = numberOf(row, "version");
    if (versionRow(ctx.db, name, version) === undefined) {
      problems.push({ name, version, problem: `alias ${textOf(row, "alias")} points at a missing version` });
    }
  }
  for (const row of ctx.db.prepare("SELECT name, policy_json FROM traffic_policies ORDER BY name").all()) {
    const name = textOf(row, "name");
    const policy = JSON.parse(textOf(row, "policy_json")) as {
      split: { version: number }[];
      shadow: number[];
    };
    for (const version of [...policy.split.map((s) => s.version), ...policy.shadow]) {
      if (versionRow(ctx.db, name, version) === undefined) {
        problems.push({ name, version, problem: "the traffic policy uses a missing version" });
      }
    }
  }
  return problems;
}

function counterProblems(ctx: StoreContext): Problem[] {
  const rows = ctx.db
    .prepare(
      `SELECT m.name AS name, m.next_version AS next, MAX(v.version) AS top FROM models m
       JOIN versions v ON v.name = m.name GROUP BY m.name HAVING m.next_version <= MAX(v.version)`,
    )
    .all();
  return rows.map((row) => ({
    name: textOf(row, "name"),
    version: null,
    problem: `next version ${numberOf(row, "next")} is not above version ${numberOf(row, "top")}`,
  }));
}

/** models/… entries the index does not know, as store-relative paths. */
function unindexedVersionDirs(ctx: StoreContext): string[] {
  const found: string[] = [];
  for (const model of readDir(path.join(ctx.root, MODELS_DIR))) {
    const modelPath = path.join(ctx.root, MODELS_DIR, model.name);
    if (!model.isDirectory() || !isValidName(model.name)) {
      found.push(`${MODELS_DIR}/${model.name}`);
      continue;
    }
    for (const entry of readDir(modelPath)) {
      const version = /^[1-9][0-9]*$/.test(entry.name) ? Number(entry.name) : Number.NaN;
      if (Number.isNaN(version) || versionRow(ctx.db, model.name, version) === undefined) {
        found.push(`${MODELS_DIR}/${model.name}/${entry.name}`);
      }
    }
  }
  return found;
}

function scratchEntries(ctx: StoreContext): string[] {
  return readDir(path.join(ctx.root, TMP_DIR)).map((entry) => `${TMP_DIR}/${entry.name}`);
}

function removeOrphans(ctx: StoreContext): string[] {
  const removed: string[] = [];
  const ownTrash = new Set<string>();
  try {
    inWriteTransaction(ctx.db, () => {
      for (const orphan of unindexedVersionDirs(ctx)) {
        const trash = scratchPath(ctx.root, "trash");
        ctx.writer.rename(path.join(ctx.root, orphan), trash);
        ownTrash.add(path.basename(trash));
        removed.push(orphan);
      }
    });
    for (const entry of readDir(path.join(ctx.root, TMP_DIR))) {
      const owner = scratchOwner(entry.name);
      if (owner !== null && owner !== process.pid && isAlive(owner)) continue; // a live writer's staging
      ctx.writer.remove(path.join(ctx.root, TMP_DIR, entry.name));
      if (!ownTrash.has(entry.name)) removed.push(`${TMP_DIR}/${entry.name}`);
    }
  } catch (error) {
    throw storeWriteError(ctx.root, error);
  }
  return removed;
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return [];
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === "EPERM";
  }
}
