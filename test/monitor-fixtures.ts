/**
 * Fixtures for the production-loop tests: a temporary registry whose versions carry a real drift
 * reference (built from the fixture sentences and the model's own scores), and small helpers.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildReference } from "../src/monitor/index.ts";
import { openRegistry, type RegisteredVersion, type Registry } from "../src/registry/index.ts";
import { DEFAULT_VARIANT, type ModelVariant, registerModel, SAMPLE_SENTENCES } from "./serve-fixtures.ts";

export { SAMPLE_SENTENCES };

export const RELEVANT_COUNT = 20;

export function sampleLabel(index: number): string {
  return index < RELEVANT_COUNT ? "Relevant" : "Not Relevant";
}

export function registerWithReference(
  registry: Registry,
  name: string,
  variant: ModelVariant = DEFAULT_VARIANT,
): Promise<RegisteredVersion> {
  return registerModel(registry, name, variant, (classifier) =>
    buildReference({
      texts: SAMPLE_SENTENCES,
      scores: classifier.predictProba(SAMPLE_SENTENCES),
      labels: SAMPLE_SENTENCES.map((_, i) => sampleLabel(i)),
    }),
  );
}

export interface LoopStore {
  readonly dir: string;
  readonly root: string;
  readonly logPath: string;
  readonly registry: Registry;
  cleanup(): Promise<void>;
}

/** A temporary directory with a store holding `relevance` v1 in production, and a log path. */
export async function loopStore(): Promise<LoopStore> {
  const dir = await mkdtemp(path.join(tmpdir(), "sift-loop-"));
  const root = path.join(dir, "store");
  const registry = openRegistry(root);
  const first = await registerWithReference(registry, "relevance");
  await registry.promote("relevance", first.version);
  return {
    dir,
    root,
    logPath: path.join(dir, "log", "predictions.db"),
    registry,
    cleanup: async () => {
      registry.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 20 ms until it returns true, or fails after `ms`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
