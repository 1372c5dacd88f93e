/**
 * The production model source: the registry finds and verifies artifacts (checksums, format
 * version), learn rebuilds the classifier, and a warm-up pass proves it scores before it may
 * serve. Anything wrong throws, and the manager refuses that version.
 */
import { performance } from "node:perf_hooks";
import { siftError } from "../errors.ts";
import type { ClassifierSpec, TextClassifier } from "../learn/index.ts";
import { loadClassifier } from "../learn/index.ts";
import type { Manifest, Registry } from "../registry/index.ts";
import type { ModelSource } from "./model-manager.ts";
import type { ModelRef } from "./model-ref.ts";
import { formatModelRef } from "./model-ref.ts";
import type { ServedModel } from "./types.ts";

/** Sentences scored once before a version serves: JIT-warms the hot path and checks the output. */
const WARM_UP = [
  "Forest fire near La Ronge Sask. Canada",
  "I love fruits",
  "",
  "13,000 people receive #wildfires evacuation orders in California",
  "🔥🔥🔥",
];

function classifierSpec(manifest: Manifest): ClassifierSpec {
  const spec = manifest.classifier as Partial<ClassifierSpec> | null;
  if (spec === null || typeof spec !== "object" || typeof spec.kind !== "string") {
    throw siftError("MODEL_SPEC_INVALID", "the manifest has no classifier spec");
  }
  return spec as ClassifierSpec;
}

function checkServable(manifest: Manifest, name: string, version: number): void {
  if (manifest.name !== name || manifest.version !== version) {
    throw siftError(
      "ARTIFACT_INVALID",
      `${name}@${version}`,
      `its manifest says ${manifest.name}@${manifest.version}`,
    );
  }
  const { threshold, labels } = manifest;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw siftError(
      "ARTIFACT_INVALID",
      `${name}@${version}`,
      `threshold ${String(threshold)} is outside [0, 1]`,
    );
  }
  if (typeof labels?.positive !== "string" || typeof labels.negative !== "string") {
    throw siftError(
      "ARTIFACT_INVALID",
      `${name}@${version}`,
      "labels.positive and labels.negative must be strings",
    );
  }
}

function warmUp(model: ServedModel): void {
  for (let round = 0; round < 20; round++) {
    const probabilities = model.classifier.predictProba(WARM_UP);
    for (const p of probabilities) {
      if (!(p >= 0 && p <= 1)) {
        throw siftError(
          "ARTIFACT_INVALID",
          `${model.name}@${model.version}`,
          `it scores ${String(p)}, not a probability`,
        );
      }
    }
  }
  model.classifier.explain(WARM_UP[0] ?? "", 10);
}

export function registrySource(registry: Registry): ModelSource {
  return {
    revision: () => registry.revision(),
    resolve: async (ref: ModelRef) => (await registry.resolve(formatModelRef(ref))).version,
    load: async (name: string, version: number, ref: string): Promise<ServedModel> => {
      const started = performance.now();
      const artifact = await registry.load(name, version);
      const { manifest } = artifact;
      checkServable(manifest, name, version);
      const classifier = loadClassifier({ spec: classifierSpec(manifest), files: artifact.files });
      const model: ServedModel = {
        name,
        version,
        ref,
        manifest,
        classifier,
        loadedAt: "",
        loadMs: 0,
      };
      warmUp(model);
      return { ...model, loadedAt: new Date().toISOString(), loadMs: performance.now() - started };
    },
  };
}

/**
 * A source for versions another thread scores (shadow versions): it reads and verifies the
 * artifact and checks the manifest, but builds no classifier. The server thread only needs such
 * a version's name, labels and drift reference; building a second copy of the model there cost
 * its build time and its memory for nothing. The classifier it returns refuses to score.
 */
export function manifestSource(registry: Pick<Registry, "revision" | "resolve" | "load">): ModelSource {
  return {
    revision: () => registry.revision(),
    resolve: async (ref: ModelRef) => (await registry.resolve(formatModelRef(ref))).version,
    load: async (name: string, version: number, ref: string): Promise<ServedModel> => {
      const started = performance.now();
      const { manifest } = await registry.load(name, version);
      checkServable(manifest, name, version);
      const spec = classifierSpec(manifest);
      const elsewhere = (): never => {
        throw siftError("INTERNAL", `${name}@${version} is scored in the shadow thread, not here`);
      };
      const classifier: TextClassifier = {
        spec,
        predictProba: elsewhere,
        explain: elsewhere,
        save: elsewhere,
      };
      const loadedAt = new Date().toISOString();
      return { name, version, ref, manifest, classifier, loadedAt, loadMs: performance.now() - started };
    },
  };
}
