/**
 * The shadow scorer the log's writer thread loads (src/serve/shadow-worker.ts), on a real
 * registry: versions load, verified and warmed, before they score; a version that cannot be
 * served is refused; an idle version is dropped and reloads when its traffic returns.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createShadowScorer } from "../src/serve/shadow-worker.ts";
import {
  DEFAULT_VARIANT,
  SAMPLE_SENTENCES,
  storeWithModel,
  type TempStore,
  trainClassifier,
} from "./serve-fixtures.ts";

let store: TempStore;
before(async () => {
  store = await storeWithModel();
});
after(async () => {
  await store.cleanup();
});

test("a prepared version scores as the registered model does, with labels by its threshold and fresh ids", async () => {
  const scorer = createShadowScorer(store.root);
  const now = Date.now();
  assert.equal(scorer.score("relevance", 1, SAMPLE_SENTENCES, now), null, "not loaded yet: skipped");
  await scorer.prepare("relevance", 1);
  const answers = scorer.score("relevance", 1, SAMPLE_SENTENCES, now);
  assert.ok(answers !== null);
  // Fitting is deterministic: the same fixture fit is the registered model.
  const expected = trainClassifier(DEFAULT_VARIANT).predictProba(SAMPLE_SENTENCES);
  assert.deepEqual(Array.from(answers.scores), Array.from(expected));
  assert.deepEqual(
    answers.labels,
    Array.from(expected, (p) => (p >= DEFAULT_VARIANT.threshold ? "Relevant" : "Not Relevant")),
  );
  assert.equal(new Set(answers.ids).size, SAMPLE_SENTENCES.length, "one id per sentence");
});

test("a version the registry does not hold is refused by prepare, and scoring it throws after the attempt", async () => {
  const scorer = createShadowScorer(store.root);
  await assert.rejects(scorer.prepare("relevance", 9));
  assert.throws(() => scorer.score("relevance", 9, ["a sentence"], Date.now()));
});

test("an idle version is dropped and reloads when it is asked for again", async () => {
  const scorer = createShadowScorer(store.root, { idleMs: 20 });
  await scorer.prepare("relevance", 1);
  assert.ok(scorer.score("relevance", 1, ["storm"], Date.now()) !== null);
  await sleep(60);
  assert.equal(scorer.score("relevance", 1, ["storm"], Date.now()), null, "dropped: reloading");
  await scorer.prepare("relevance", 1);
  assert.ok(scorer.score("relevance", 1, ["storm"], Date.now()) !== null);
});
