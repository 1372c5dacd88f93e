/**
 * `sift up`'s decision: train only when there is something new to learn. If the store already
 * has a production model trained on data with the same fingerprint, serving it is what the user
 * wants; retraining would only spend time and add a version identical in substance.
 */
import { isSiftError } from "../errors.ts";
import { openRegistry, resolveStoreRoot } from "../registry/index.ts";
import type { PipelineConfig } from "./config-schema.ts";
import { defaultToolkit } from "./toolkit.ts";
import type { Toolkit } from "./toolkit-types.ts";
import { resolveDataSource } from "./train-run.ts";

export interface UpToDate {
  /** The production version to serve as is, or null when training is needed. */
  readonly version: number | null;
  readonly reason: string;
}

export async function productionIsCurrent(
  config: PipelineConfig,
  options: { readonly cwd?: string; readonly toolkit?: Toolkit } = {},
): Promise<UpToDate> {
  const cwd = options.cwd ?? process.cwd();
  const registry = openRegistry(resolveStoreRoot(config.store ?? undefined, process.env, cwd));
  try {
    const production = await productionManifest(registry, config.model.name);
    if (production === null)
      return { version: null, reason: `no production version of ${config.model.name} yet` };
    const data = await (options.toolkit ?? defaultToolkit).prepareData(
      config.data,
      resolveDataSource(config, cwd),
    );
    if (data.fingerprint !== production.dataFingerprint) {
      return { version: null, reason: "the data changed since the production model was trained" };
    }
    return {
      version: production.version,
      reason: `${config.model.name}@${production.version} was trained on this exact data (fingerprint ${data.fingerprint.slice(0, 12)})`,
    };
  } finally {
    registry.close();
  }
}

async function productionManifest(
  registry: ReturnType<typeof openRegistry>,
  name: string,
): Promise<{ version: number; dataFingerprint: string } | null> {
  try {
    const ref = await registry.resolve(`${name}@production`);
    const artifact = await registry.load(ref.name, ref.version);
    return { version: ref.version, dataFingerprint: artifact.manifest.dataFingerprint };
  } catch (error) {
    if (isSiftError(error) && (error.code === "MODEL_NOT_FOUND" || error.code === "ALIAS_NOT_FOUND"))
      return null;
    throw error;
  }
}
