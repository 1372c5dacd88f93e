/** Reading the registry: references, listings and verified loads. Readers only ever see indexed versions. */
import { siftError } from "../errors.ts";
import { readArtifact } from "./artifact-dir.ts";
import {
  aliasesOf,
  aliasTarget,
  requireModel,
  requireVersion,
  toVersionDetails,
  versionRow,
} from "./index-queries.ts";
import { assertModelName, assertVersion, parseRef } from "./names.ts";
import { numberOf, textOf } from "./rows.ts";
import type { StoreContext } from "./store-context.ts";
import { versionDir } from "./store-layout.ts";
import { readPolicy } from "./traffic-policy.ts";
import type { AliasEvent, LoadedArtifact, ModelDetails, ModelSummary, VersionRef } from "./types.ts";

export function resolveRef(ctx: StoreContext, ref: string): VersionRef {
  const parsed = parseRef(ref);
  if (parsed.kind === "version") {
    requireVersion(ctx, parsed.name, parsed.version);
    return { name: parsed.name, version: parsed.version };
  }
  requireModel(ctx, parsed.name);
  const version = aliasTarget(ctx.db, parsed.name, parsed.alias);
  if (version === null) throw siftError("ALIAS_NOT_FOUND", parsed.name, parsed.alias, parsed.name);
  return { name: parsed.name, version };
}

export function listModels(ctx: StoreContext): ModelSummary[] {
  const rows = ctx.db
    .prepare(
      `SELECT m.name AS name, COALESCE(MAX(v.version), 0) AS latest, COUNT(v.version) AS versions
       FROM models m LEFT JOIN versions v ON v.name = m.name GROUP BY m.name ORDER BY m.name`,
    )
    .all();
  return rows.map((row) => {
    const name = textOf(row, "name");
    return {
      name,
      latest: numberOf(row, "latest"),
      versions: numberOf(row, "versions"),
      aliases: aliasesOf(ctx.db, name),
    };
  });
}

export function showModel(ctx: StoreContext, name: string): ModelDetails {
  assertModelName(name);
  requireModel(ctx, name);
  const aliases = aliasesOf(ctx.db, name);
  const versions = ctx.db
    .prepare("SELECT * FROM versions WHERE name = ? ORDER BY version")
    .all(name)
    .map((row) => toVersionDetails(row, aliases));
  const history: AliasEvent[] = ctx.db
    .prepare("SELECT alias, version, action, at FROM alias_events WHERE name = ? ORDER BY id")
    .all(name)
    .map((row) => ({
      alias: textOf(row, "alias"),
      version: numberOf(row, "version"),
      action: textOf(row, "action") === "rollback" ? "rollback" : "promote",
      at: textOf(row, "at"),
    }));
  const latest = versions.at(-1)?.version ?? 0;
  return { name, latest, aliases, versions, history, trafficPolicy: readPolicy(ctx, name) };
}

/** Loads and verifies a version, and checks the artifact is the one the index registered. */
export async function loadVersion(ctx: StoreContext, name: string, version: number): Promise<LoadedArtifact> {
  assertModelName(name);
  assertVersion(name, version);
  const row = requireVersion(ctx, name, version);
  const dir = versionDir(ctx.root, name, version);
  let artifact: LoadedArtifact;
  try {
    artifact = await readArtifact(dir, textOf(row, "manifest_sha256"));
  } catch (error) {
    // Deleted by another process between our index read and the file read: say so plainly.
    if (versionRow(ctx.db, name, version) === undefined)
      throw siftError("VERSION_NOT_FOUND", name, version, name);
    throw error;
  }
  if (artifact.manifest.name !== name || artifact.manifest.version !== version) {
    const found = `${artifact.manifest.name}@${artifact.manifest.version}`;
    throw siftError(
      "ARTIFACT_INVALID",
      dir,
      `its manifest is for ${found}, the index expects ${name}@${version}`,
    );
  }
  return artifact;
}
