/**
 * A classifier's spec travels through manifest.json, which the registry writes with sorted keys.
 * Loading must not depend on the key order of the spec object: a union's columns and an
 * ensemble's members line up by part name, whatever order the keys come in.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultClassifierSpec, fitClassifier, loadClassifier } from "../src/learn/index.ts";
import type { ClassifierSpec } from "../src/learn/types.ts";

const texts = [
  "Forest fire near La Ronge Sask. Canada",
  "Residents asked to shelter in place after the chemical leak",
  "Flood warning issued for the river valley tonight",
  "13,000 people receive wildfire evacuation orders in California",
  "Earthquake of magnitude 5.1 hits the coast, no damage reported",
  "Train derailment spills oil into the lake",
  "I love fruits and this mango is the bomb",
  "My exam was a total disaster lol",
  "This new album is fire, listen now",
  "Summer is lovely, going to the beach",
  "That movie killed me, so funny",
  "What a wonderful day for a picnic",
];
const y = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);

/** Rebuilds every object of a JSON value with its keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reverseKeys(v)]));
}

test("a spec whose keys come back in another order loads into the same predictions", () => {
  const classifier = fitClassifier(defaultClassifierSpec(), texts, y, { seed: 1 });
  const saved = classifier.save();
  const reordered = reverseKeys(saved.spec) as ClassifierSpec;
  assert.notDeepEqual(Object.keys(reordered.parts ?? {}), Object.keys(saved.spec.parts ?? {}));
  const reloaded = loadClassifier({ spec: reordered, files: saved.files });
  const probe = ["wildfire near the town", "this song is fire", "", "évacuation 地震"];
  assert.deepEqual(reloaded.predictProba(probe), classifier.predictProba(probe));
});
