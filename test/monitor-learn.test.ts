/**
 * `learnFromFeedback`: an online production model continues with partialFit on a copy; the
 * result is registered as a new version and becomes `candidate` only when the gates pass;
 * production never moves.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { defaultClassifierSpec, defaultOnlineSpec, fitClassifier } from "../src/learn/index.ts";
import {
  type FeedbackRow,
  holdoutSplit,
  learnFromFeedback,
  type SeenKeysCodec,
} from "../src/monitor/index.ts";
import {
  decodeSeenKeys,
  encodeSeenKeys,
  keyHash,
  mergeSeenKeys,
  SEEN_KEYS_FILE,
  SEEN_KEYS_FORMAT,
} from "../src/pipeline/index.ts";
import { openRegistry, type Registry } from "../src/registry/index.ts";
import { SAMPLE_SENTENCES, sampleLabel } from "./monitor-fixtures.ts";

let dir = "";
let registry: Registry;

/** Registers a model fitted on the sample sentences as `name`'s production version. */
async function registerProduction(
  name: string,
  spec: "online" | "batch",
  extraFiles: Readonly<Record<string, Uint8Array>> = {},
): Promise<void> {
  const y = Uint8Array.from(SAMPLE_SENTENCES, (_, i) => (sampleLabel(i) === "Relevant" ? 1 : 0));
  const classifierSpec = spec === "online" ? defaultOnlineSpec() : defaultClassifierSpec();
  const saved = fitClassifier(classifierSpec, SAMPLE_SENTENCES, y, { seed: 1 }).save();
  const registered = await registry.register(name, {
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
    files: { ...saved.files, ...extraFiles },
  });
  await registry.promote(name, registered.version);
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sift-learn-"));
  registry = openRegistry(path.join(dir, "store"));
  await registerProduction("relevance", "online");
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

describe("what a candidate saw (its seen-keys file)", () => {
  // Keys as the pipeline would give them, simplified: lower case (the CLI cleans and normalises).
  const codec: SeenKeysCodec = {
    file: SEEN_KEYS_FILE,
    format: SEEN_KEYS_FORMAT,
    keyOf: (sentence) => sentence.toLowerCase(),
    encode: encodeSeenKeys,
    merge: mergeSeenKeys,
  };
  const baseKeys = ["base row one", "base row two"];
  const hashesOf = (bytes: Uint8Array | undefined): bigint[] => [
    ...(decodeSeenKeys(bytes ?? new Uint8Array(1)) ?? []),
  ];
  const expected = (keys: readonly string[]): bigint[] =>
    [...new Set(keys.map(keyHash))].sort((a, b) => (a < b ? -1 : 1));

  const learn = (name: string, trainingKeys?: readonly string[]) =>
    learnFromFeedback({
      registry,
      name,
      feedback,
      championMetric: "f1",
      gates: () => [],
      seenKeys: codec,
      trainingRows: async () => ({
        texts: SAMPLE_SENTENCES,
        labels: SAMPLE_SENTENCES.map((_, i) => sampleLabel(i)),
        ...(trainingKeys === undefined ? {} : { keys: trainingKeys }),
      }),
    });

  test("partialFit: the base's keys plus the feedback it learnt from", async () => {
    await registerProduction("seen-online", "online", { [SEEN_KEYS_FILE]: encodeSeenKeys(baseKeys) });
    const result = await learn("seen-online");
    const artifact = await registry.load("seen-online", result.version);
    const { holdout } = holdoutSplit(
      feedback.filter((row) => row.sentence !== null).map((row) => ({ text: row.sentence as string })),
    );
    const held = new Set(holdout.map((row) => row.text));
    const learntKeys = feedback
      .filter((row) => row.sentence !== null && !held.has(row.sentence))
      .map((row) => codec.keyOf(row.sentence as string));
    assert.equal(learntKeys.length, result.feedbackUsed);
    assert.deepEqual(hashesOf(artifact.files[SEEN_KEYS_FILE]), expected([...baseKeys, ...learntKeys]));
    // The held-out feedback judged the candidate: it was not seen.
    for (const row of holdout)
      assert.ok(!hashesOf(artifact.files[SEEN_KEYS_FILE]).includes(keyHash(codec.keyOf(row.text))));
    assert.deepEqual((artifact.manifest.trainingConfig as { seenKeys?: unknown }).seenKeys, {
      file: SEEN_KEYS_FILE,
      format: SEEN_KEYS_FORMAT,
    });
  });

  test("partialFit on a base that does not say what it saw: the candidate does not either", async () => {
    await registerProduction("unseen-online", "online");
    const result = await learn("unseen-online");
    const artifact = await registry.load("unseen-online", result.version);
    assert.equal(artifact.files[SEEN_KEYS_FILE], undefined);
  });

  test("a refit of a batch model: every training row's key plus the feedback", async () => {
    await registerProduction("seen-batch", "batch", { [SEEN_KEYS_FILE]: encodeSeenKeys(baseKeys) });
    const trainingKeys = SAMPLE_SENTENCES.map((s) => s.toLowerCase());
    const result = await learn("seen-batch", trainingKeys);
    assert.equal(result.method, "refit-online");
    const artifact = await registry.load("seen-batch", result.version);
    const { learn: learnt } = holdoutSplit(
      feedback.filter((row) => row.sentence !== null).map((row) => ({ text: row.sentence as string })),
    );
    assert.deepEqual(
      hashesOf(artifact.files[SEEN_KEYS_FILE]),
      expected([...trainingKeys, ...learnt.map((row) => codec.keyOf(row.text))]),
    );
  });
});
