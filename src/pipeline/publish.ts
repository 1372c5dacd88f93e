/**
 * Registering and promoting. Decision (docs/pipeline.md): every fitted model is registered — a
 * failing one too, so its artifact can be inspected and the run's `name@version` points at
 * something real — but aliases move only for a model that passed every gate: `production` with
 * --promote (or `sift retrain`), `candidate` otherwise. A gate failure never touches an alias.
 */

import type { ArtifactDraft, Registry } from "../registry/index.ts";
import { openRegistry } from "../registry/index.ts";
import type { StepContext } from "./train-steps.ts";

export interface Published {
  readonly version: number;
  readonly promoted: boolean;
  readonly alias: string | null;
  readonly message: string;
}

export async function openStoreRegistry(context: StepContext): Promise<Registry> {
  return openRegistry(context.storeRoot, {
    clock: context.clock,
    ...(context.writer === undefined ? {} : { writer: context.writer }),
  });
}

export async function registerAndPromote(
  context: StepContext,
  registry: Registry,
  draft: ArtifactDraft,
  gatesPassed: boolean,
): Promise<Published> {
  const name = context.config.model.name;
  const manifest = await registry.register(name, draft);
  const version = manifest.version;
  if (!gatesPassed) {
    return {
      version,
      promoted: false,
      alias: null,
      message: `registered ${name}@${version} without an alias (gates failed)`,
    };
  }
  const alias = context.promote ? "production" : "candidate";
  const move = await registry.promote(name, version, alias);
  const from = move.previous === null ? "" : ` (was ${move.previous})`;
  return {
    version,
    promoted: context.promote,
    alias,
    message: `registered ${name}@${version}; ${alias} → ${version}${from}`,
  };
}
