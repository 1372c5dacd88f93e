/**
 * `learnFromFeedback`: an online production model continues with partialFit on a copy; the
 * result is registered as a new version and becomes `candidate` only when the gates pass;
 * production never moves.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { defaultOnlineSpec, fitClassifier } from "../src/learn/index.ts";
import { type FeedbackRow, holdoutSplit, learnFromFeedback } from "../src/monitor/index.ts";
import { openRegistry, type Registry } from "../src/registry/index.ts";
import { SAMPLE_SENTENCES, sampleLabel } from "./monitor-fixtures.ts";

let dir = "";
let registry: Registry;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sift-learn-"));
  registry = openRegistry(path.join(dir, "store"));
  const y = Uint8Array.from(SAMPLE_SENTENCES, (_, i) => (sampleLabel(i) === "Relevant" ? 1 : 0));
  const saved = fitClassifier(defaultOnlineSpec(), SAMPLE_SENTENCES, y, { seed: 1 }).save();
  const first = await registry.register("relevance", {
    manifest: {
      createdAt: "2026-01-01T00:00:00.000Z",
      labels: { positive: "Relevant", negative: "Not Relevant" },
      threshold: 0.5,
      classifier: saved.spec,
      metrics: { validation: {}, test: {} },
      dataFingerprint: "0".repeat(64),
      trainingConfig: {},
      codeVersion: null,
      reference: null,
      runId: null,
    },
    files: saved.files,
  });
  await registry.promote("relevance", first.version);
});

after(async () => {
  registry.close();
  await rm(dir, { recursive: true, force: true });
});

const feedback: FeedbackRow[] = [
  ...SAMPLE_SENTENCES.map((sentence, i) => ({
    predictionId: `p${i}`,
    sentenceHash: "",
    sentence: `${sentence} today`,
    label: sampleLabel(i),
    time: i,
  })),
  { predictionId: "no-text", sentenceHash: "", sentence: null, label: "Relevant", time: 99 },
];

test("holds out every fourth sentence by hash, the same way every time", () => {
  const rows = SAMPLE_SENTENCES.map((text) => ({ text }));
  const a = holdoutSplit(rows);
  assert.deepEqual(holdoutSplit(rows), a);
  assert.equal(a.learn.length + a.holdout.length, rows.length);
  assert.ok(a.holdout.length > 3 && a.holdout.length < 20, `holdout ${a.holdout.length}`);
  assert.deepEqual(holdoutSplit(rows.slice(0, 7)).holdout, [], "too few rows: nothing held out");
});

test("an online production model continues with partialFit; passing gates make it the candidate", async () => {
  const seen: Array<{ version: number; value: number } | null> = [];
  const result = await learnFromFeedback({
    registry,
    name: "relevance",
    feedback,
    championMetric: "f1",
    gates: (metrics, champion) => {
      seen.push(champion);
      return [{ gate: "f1 >= 0.5", passed: (metrics.f1 ?? 0) >= 0.5, detail: `f1 ${metrics.f1}` }];
    },
  });
  assert.equal(result.method, "partial-fit");
  assert.equal(result.base.version, 1);
  assert.equal(result.version, 2);
  assert.equal(result.feedbackUsed + result.holdout, 40, "the row without a sentence is not used");
  assert.equal(seen[0]?.version, 1, "the champion is production, scored on the same holdout");
  assert.ok(result.gatesPassed, JSON.stringify(result.metrics));
  assert.equal((await registry.resolve("relevance@candidate")).version, 2);
  assert.equal((await registry.resolve("relevance@production")).version, 1);
  const manifest = (await registry.load("relevance", 2)).manifest;
  assert.deepEqual((manifest.trainingConfig as { method: string; base: number }).method, "partial-fit");
});

test("failing gates register the version but leave the candidate alias alone", async () => {
  const result = await learnFromFeedback({
    registry,
    name: "relevance",
    feedback,
    championMetric: "f1",
    gates: () => [{ gate: "never", passed: false, detail: "refused" }],
  });
  assert.equal(result.version, 3);
  assert.equal(result.candidate, false);
  assert.equal((await registry.resolve("relevance@candidate")).version, 2);
});

test("no usable feedback is a NO_FEEDBACK error", async () => {
  await assert.rejects(
    learnFromFeedback({
      registry,
      name: "relevance",
      feedback: [{ predictionId: "x", sentenceHash: "", sentence: null, label: "Relevant", time: 0 }],
      championMetric: "f1",
      gates: () => [],
    }),
    { code: "NO_FEEDBACK" },
  );
});
