/** Index look-ups shared by the registry's operations; each throws the catalogued "not found" error. */
import type { DatabaseSync } from "node:sqlite";
import { siftError } from "../errors.ts";
import { numberOf, type Row, textOf, textOrNull } from "./rows.ts";
import type { StoreContext } from "./store-context.ts";
import type { VersionDetails } from "./types.ts";

export function requireModel(ctx: StoreContext, name: string): void {
  if (ctx.db.prepare("SELECT 1 AS ok FROM models WHERE name = ?").get(name) === undefined) {
    throw siftError("MODEL_NOT_FOUND", name, ctx.root);
  }
}

export function versionRow(db: DatabaseSync, name: string, version: number): Row | undefined {
  return db.prepare("SELECT * FROM versions WHERE name = ? AND version = ?").get(name, version);
}

export function requireVersion(ctx: StoreContext, name: string, version: number): Row {
  const row = versionRow(ctx.db, name, version);
  if (row !== undefined) return row;
  requireModel(ctx, name);
  throw siftError("VERSION_NOT_FOUND", name, version, name);
}

export function aliasTarget(db: DatabaseSync, name: string, alias: string): number | null {
  const row = db.prepare("SELECT version FROM aliases WHERE name = ? AND alias = ?").get(name, alias);
  return row === undefined ? null : numberOf(row, "version");
}

/** alias → version for one model, aliases in name order. */
export function aliasesOf(db: DatabaseSync, name: string): Record<string, number> {
  const rows = db.prepare("SELECT alias, version FROM aliases WHERE name = ? ORDER BY alias").all(name);
  return Object.fromEntries(rows.map((row) => [textOf(row, "alias"), numberOf(row, "version")]));
}

export function aliasesAt(aliases: Readonly<Record<string, number>>, version: number): string[] {
  return Object.entries(aliases)
    .filter(([, v]) => v === version)
    .map(([alias]) => alias);
}

export function toVersionDetails(row: Row, aliases: Readonly<Record<string, number>>): VersionDetails {
  const version = numberOf(row, "version");
  return {
    name: textOf(row, "name"),
    version,
    createdAt: textOf(row, "created_at"),
    registeredAt: textOf(row, "registered_at"),
    aliases: aliasesAt(aliases, version),
    metrics: JSON.parse(textOf(row, "metrics_json")),
    runId: textOrNull(row, "run_id"),
    threshold: numberOf(row, "threshold"),
    dataFingerprint: textOf(row, "data_fingerprint"),
    bytes: numberOf(row, "bytes"),
  };
}
