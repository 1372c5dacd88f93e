/**
 * Real models for the serving tests: trained with learn on sentences written for these tests and
 * stored with the registry in a temporary store. Two trainings with different seeds/params give
 * distinct versions to promote and roll back.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultClassifierSpec, fitClassifier, type TextClassifier } from "../src/learn/index.ts";
import { openRegistry, type RegisteredVersion, type Registry } from "../src/registry/index.ts";
import { ModelManager, parseModelRef, registrySource } from "../src/serve/index.ts";

const RELEVANT = [
  "Forest fire near La Ronge Sask. Canada",
  "Residents asked to shelter in place after the chemical plant explosion",
  "13,000 people receive wildfires evacuation orders in California",
  "Flood waters rise in the city centre, roads closed",
  "Earthquake of magnitude 6.1 hits the coast, buildings collapsed",
  "Just got sent this photo from Ruby Alaska as smoke from wildfires pours into a school",
  "Rescuers search the rubble after the train derailment",
  "Hurricane makes landfall, thousands without power",
  "Emergency crews battle the blaze at the warehouse fire",
  "Tornado destroys homes in the county, several injured",
  "Bridge collapse kills two, many missing in the river",
  "Wildfire spreads toward the town, evacuation ordered",
  "Severe storm floods the highway, drivers trapped",
  "Police report casualties after the bombing downtown",
  "Landslide buries village after days of heavy rain",
  "Fire crews evacuate the apartment block after the gas explosion",
  "Volcano erupts, ash cloud grounds flights",
  "Massive flooding displaces families across the region",
  "Plane crash at the airport, emergency services on scene",
  "Heatwave wildfire burns hundreds of acres near the highway",
];

const NOT_RELEVANT = [
  "I love fruits",
  "What a lovely summer day at the beach",
  "This new album is fire, best songs of the year",
  "My phone battery dies so fast",
  "Can't wait for the weekend with friends",
  "That movie was a total disaster lol",
  "Just made pancakes for breakfast",
  "The cat is sleeping on my keyboard again",
  "Who wants to play football tonight",
  "Coffee first, then everything else",
  "My team got destroyed in the game last night haha",
  "New shoes arrived today, so happy",
  "Reading a good book on the train home",
  "The concert tonight is going to be amazing",
  "I need a holiday so badly",
  "Pizza or burgers for dinner tonight",
  "Learning to play the guitar this year",
  "Traffic is so slow this morning ugh",
  "Happy birthday to my best friend",
  "The sunset looks beautiful from the hill",
];

export const SAMPLE_SENTENCES = [...RELEVANT, ...NOT_RELEVANT];

export interface ModelVariant {
  /** Regularisation strength: different values give different weights, so versions differ. */
  readonly C: number;
  readonly threshold: number;
}

export const DEFAULT_VARIANT: ModelVariant = { C: 20, threshold: 0.5 };

export function trainClassifier(variant: ModelVariant = DEFAULT_VARIANT): TextClassifier {
  const base = defaultClassifierSpec();
  const parts = base.parts ?? {};
  const spec = {
    ...base,
    parts: { ...parts, estimator: { kind: "logistic", params: { C: variant.C, classWeight: "balanced" } } },
  };
  const texts = [...RELEVANT, ...NOT_RELEVANT];
  const y = new Uint8Array(texts.length);
  y.fill(1, 0, RELEVANT.length);
  return fitClassifier(spec, texts, y, { seed: 7 });
}

export async function registerModel(
  registry: Registry,
  name: string,
  variant: ModelVariant = DEFAULT_VARIANT,
  /** Builds `manifest.reference` from the fitted classifier (the monitoring tests' drift reference). */
  referenceOf: (classifier: TextClassifier) => unknown = () => null,
): Promise<RegisteredVersion> {
  const classifier = trainClassifier(variant);
  const saved = classifier.save();
  return registry.register(name, {
    manifest: {
      createdAt: new Date().toISOString(),
      labels: { positive: "Relevant", negative: "Not Relevant" },
      threshold: variant.threshold,
      classifier: saved.spec,
      metrics: { validation: { f1: 0.9 }, test: { f1: 0.88 } },
      dataFingerprint: "0".repeat(64),
      trainingConfig: { source: "sift test fixtures", C: variant.C },
      codeVersion: null,
      reference: referenceOf(classifier),
      runId: null,
    },
    files: saved.files,
  });
}

export interface TempStore {
  readonly root: string;
  readonly registry: Registry;
  cleanup(): Promise<void>;
}

/** A temporary store holding `relevance` version 1 promoted to production. */
export async function storeWithModel(options: { readonly promote?: boolean } = {}): Promise<TempStore> {
  const root = await mkdtemp(path.join(tmpdir(), "sift-serve-"));
  const registry = openRegistry(root);
  const first = await registerModel(registry, "relevance", DEFAULT_VARIANT);
  if (options.promote !== false) await registry.promote("relevance", first.version);
  return {
    root,
    registry,
    cleanup: async () => {
      registry.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** POSTs a sentence to `${base}/v1/predict` and checks the answer names a label and `version`. */
export async function assertPredicts(base: string, version: number): Promise<void> {
  const response = await fetch(`${base}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sentence: "Forest fire near La Ronge" }),
  });
  assert.equal(response.status, 200);
  const body = (await response.json()) as { label: string; model: { version: number } };
  assert.ok(["Relevant", "Not Relevant"].includes(body.label));
  assert.equal(body.model.version, version);
}

/** A started manager serving `relevance@production` from `registry`, without polling. */
export async function productionManager(registry: Registry): Promise<ModelManager> {
  const manager = new ModelManager({
    source: registrySource(registry),
    refs: [parseModelRef("relevance@production")],
    pollMs: 0,
  });
  await manager.start();
  return manager;
}
