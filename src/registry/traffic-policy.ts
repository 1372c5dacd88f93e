/**
 * Traffic policies (A/B split and shadow versions) per model, validated against the index and
 * stored as JSON in it. A policy may arrive from an HTTP body, so its shape is checked here too.
 */
import { siftError } from "../errors.ts";
import { bumpRevision } from "./index-db.ts";
import { requireModel, versionRow } from "./index-queries.ts";
import { assertModelName } from "./names.ts";
import { writing } from "./registry-aliases.ts";
import { textOf } from "./rows.ts";
import type { StoreContext } from "./store-context.ts";
import type { TrafficPolicy } from "./types.ts";

const WEIGHT_TOLERANCE = 1e-9;

export const EMPTY_POLICY: TrafficPolicy = { split: [], shadow: [] };

export function readPolicy(ctx: StoreContext, name: string): TrafficPolicy {
  const row = ctx.db.prepare("SELECT policy_json FROM traffic_policies WHERE name = ?").get(name);
  return row === undefined ? EMPTY_POLICY : (JSON.parse(textOf(row, "policy_json")) as TrafficPolicy);
}

export function getPolicy(ctx: StoreContext, name: string): TrafficPolicy {
  assertModelName(name);
  requireModel(ctx, name);
  return readPolicy(ctx, name);
}

export function setPolicy(ctx: StoreContext, name: string, policy: unknown): void {
  assertModelName(name);
  const clean = checkShape(name, policy);
  writing(ctx, () => {
    requireModel(ctx, name);
    const versions = [...clean.split.map((s) => s.version), ...clean.shadow];
    const missing = versions.find((v) => versionRow(ctx.db, name, v) === undefined);
    if (missing !== undefined)
      throw siftError("TRAFFIC_POLICY_INVALID", name, `version ${missing} does not exist`);
    ctx.db
      .prepare(
        `INSERT INTO traffic_policies (name, policy_json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET policy_json = excluded.policy_json, updated_at = excluded.updated_at`,
      )
      .run(name, JSON.stringify(clean), ctx.clock().toISOString());
    bumpRevision(ctx.db);
  });
}

function checkShape(name: string, policy: unknown): TrafficPolicy {
  const fail = (why: string) => siftError("TRAFFIC_POLICY_INVALID", name, why);
  const value = policy as { split?: unknown; shadow?: unknown } | null;
  if (typeof value !== "object" || value === null) throw fail("it is not an object");
  if (!Array.isArray(value.split) || !Array.isArray(value.shadow))
    throw fail("split and shadow must be arrays");
  const split = value.split.map((entry: unknown) => checkSplitEntry(entry, fail));
  const shadow = value.shadow.map((v: unknown) => {
    if (!isVersionNumber(v)) throw fail(`shadow version ${JSON.stringify(v)} is not a version number`);
    return v;
  });
  if (new Set(split.map((s) => s.version)).size !== split.length)
    throw fail("a version appears twice in split");
  if (new Set(shadow).size !== shadow.length) throw fail("a version appears twice in shadow");
  const total = split.reduce((sum, s) => sum + s.weight, 0);
  if (split.length > 0 && Math.abs(total - 1) > WEIGHT_TOLERANCE) throw fail(`split weights sum to ${total}`);
  return { split, shadow };
}

function checkSplitEntry(entry: unknown, fail: (why: string) => Error): { version: number; weight: number } {
  const { version, weight } = (entry ?? {}) as { version?: unknown; weight?: unknown };
  if (!isVersionNumber(version))
    throw fail(`split version ${JSON.stringify(version)} is not a version number`);
  if (typeof weight !== "number" || !(weight > 0 && weight <= 1)) {
    throw fail(`weight ${JSON.stringify(weight)} of version ${version} is not in (0, 1]`);
  }
  return { version, weight };
}

function isVersionNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}
