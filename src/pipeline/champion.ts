/**
 * Champion/challenger: the current production model scores the candidate's own test rows, at its
 * own threshold, so the two are compared on identical data rather than on numbers each model
 * recorded about a different split.
 */
import { isSiftError } from "../errors.ts";
import type { ClassifierSpec } from "../learn/index.ts";
import type { Registry } from "../registry/index.ts";
import type { MetricName } from "./config-schema.ts";
import { metricsAt, type SplitScores } from "./evaluate.ts";
import type { ChampionScore } from "./gates.ts";
import type { Toolkit } from "./toolkit-types.ts";

export interface ChampionInput {
  readonly registry: Registry;
  readonly name: string;
  readonly test: SplitScores;
  readonly metric: MetricName;
  readonly toolkit: Toolkit;
}

/** null when there is no production model yet (the first run of a model). */
export async function scoreChampion(input: ChampionInput): Promise<ChampionScore | null> {
  const ref = await productionRef(input.registry, input.name);
  if (ref === null) return null;
  const artifact = await input.registry.load(ref.name, ref.version);
  const classifier = input.toolkit.loadClassifier({
    spec: artifact.manifest.classifier as ClassifierSpec,
    files: artifact.files,
  });
  const scores = classifier.predictProba(input.test.texts);
  const metrics = metricsAt({ ...input.test, scores }, artifact.manifest.threshold);
  return { version: ref.version, value: metrics[input.metric] ?? Number.NaN };
}

async function productionRef(
  registry: Registry,
  name: string,
): Promise<{ name: string; version: number } | null> {
  try {
    return await registry.resolve(`${name}@production`);
  } catch (error) {
    if (isSiftError(error) && (error.code === "MODEL_NOT_FOUND" || error.code === "ALIAS_NOT_FOUND"))
      return null;
    throw error;
  }
}
