/**
 * Moving aliases and setting traffic policies: the changes a running server must notice, so each
 * one bumps the index revision in the same transaction.
 *
 * Alias history is a stack per (model, alias): promote pushes, rollback pops. Rolling back skips
 * entries for the version being left and for versions deleted since, so repeated rollbacks walk
 * back through distinct, still existing versions.
 */
import { siftError } from "../errors.ts";
import { bumpRevision, inWriteTransaction } from "./index-db.ts";
import { aliasTarget, requireModel, requireVersion, versionRow } from "./index-queries.ts";
import { assertAlias, assertModelName, assertVersion, DEFAULT_ALIAS } from "./names.ts";
import { numberOf } from "./rows.ts";
import type { StoreContext } from "./store-context.ts";
import { storeWriteError } from "./store-writer.ts";
import type { AliasMove } from "./types.ts";

export function promoteVersion(ctx: StoreContext, name: string, version: number, alias: string): AliasMove {
  assertModelName(name);
  assertVersion(name, version);
  assertAlias(name, alias);
  return writing(ctx, () => {
    requireVersion(ctx, name, version);
    const previous = aliasTarget(ctx.db, name, alias);
    if (previous === version) return { name, alias, previous, version };
    setAlias(ctx, name, alias, version, "promote");
    // Promoting to production ends the model's A/B or shadow experiment, in the same transaction.
    if (alias === DEFAULT_ALIAS) ctx.db.prepare("DELETE FROM traffic_policies WHERE name = ?").run(name);
    return { name, alias, previous, version };
  });
}

export function rollbackAlias(ctx: StoreContext, name: string, alias: string): AliasMove {
  assertModelName(name);
  assertAlias(name, alias);
  return writing(ctx, () => {
    requireModel(ctx, name);
    const current = aliasTarget(ctx.db, name, alias);
    if (current === null) throw siftError("ALIAS_NOT_FOUND", name, alias, name);
    const stack = ctx.db
      .prepare(
        `SELECT id, version FROM alias_events
         WHERE name = ? AND alias = ? AND action = 'promote' AND undone = 0 ORDER BY id DESC`,
      )
      .all(name, alias);
    const undo = ctx.db.prepare("UPDATE alias_events SET undone = 1 WHERE id = ?");
    for (const entry of stack) {
      const version = numberOf(entry, "version");
      if (version !== current && versionRow(ctx.db, name, version) !== undefined) {
        setAlias(ctx, name, alias, version, "rollback");
        return { name, alias, previous: current, version };
      }
      undo.run(numberOf(entry, "id"));
    }
    // Nothing to go back to: the transaction rolls back, so the pops above are undone too.
    throw siftError("NO_ROLLBACK_TARGET", alias, name);
  });
}

function setAlias(
  ctx: StoreContext,
  name: string,
  alias: string,
  version: number,
  action: "promote" | "rollback",
): void {
  ctx.db
    .prepare(
      `INSERT INTO aliases (name, alias, version) VALUES (?, ?, ?)
       ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version`,
    )
    .run(name, alias, version);
  ctx.db
    .prepare("INSERT INTO alias_events (name, alias, version, action, at) VALUES (?, ?, ?, ?, ?)")
    .run(name, alias, version, action, ctx.clock().toISOString());
  bumpRevision(ctx.db);
}

/** Runs `work` in a write transaction, mapping disk-full and read-only failures. */
export function writing<T>(ctx: StoreContext, work: () => T): T {
  try {
    return inWriteTransaction(ctx.db, work);
  } catch (error) {
    throw storeWriteError(ctx.root, error);
  }
}
