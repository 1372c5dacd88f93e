import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { conformanceCorpus } from "./conformance-corpus.ts";
import { type ClassifierSpec, crossValidate, fitClassifier, gridSearch } from "./index.ts";

const { texts, y } = conformanceCorpus();
const FOLDS = Int32Array.from(texts, (_, i) => i % 3);
const SPEC: ClassifierSpec = {
  kind: "text-linear",
  params: {},
  parts: {
    features: { kind: "tfidf", params: { analyzer: "word", ngramRange: [1, 1] } },
    estimator: { kind: "multinomial-nb", params: { alpha: 1 } },
  },
};
const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

describe("crossValidate", () => {
  it("scores each row with the model fitted on the other folds", async () => {
    const cv = await crossValidate(SPEC, texts, y, FOLDS, { workers: 0 });
    const train = texts.filter((_, i) => FOLDS[i] !== 1);
    const trainY = y.filter((_, i) => FOLDS[i] !== 1);
    const model = fitClassifier(SPEC, train, trainY, { seed: 0 });
    const expected = model.predictProba(texts.filter((_, i) => FOLDS[i] === 1));
    const got = cv.oof.filter((_, i) => FOLDS[i] === 1);
    assert.deepEqual(got, expected);
    assert.equal(cv.folds.length, 3);
    assert.equal(
      cv.folds.reduce((a, f) => a + f.rows, 0),
      texts.length,
    );
    const meanAuc = cv.folds.reduce((a, f) => a + (f.metrics.roc_auc as number), 0) / 3;
    assert.equal(cv.mean.roc_auc, meanAuc);
  });
});

describe("gridSearch", () => {
  const space = { "estimator.alpha": [0.01, 1, 100], "features.sublinearTf": [false, true] };

  it("runs folds × candidates on worker threads with the same result as in-process", async () => {
    const seen: [number, number, string][] = [];
    const threaded = await gridSearch(SPEC, space, texts, y, FOLDS, {
      workers: 2,
      metric: "log_loss",
      onProgress: (done, total, label) => seen.push([done, total, label]),
    });
    const inline = await gridSearch(SPEC, space, texts, y, FOLDS, { workers: 0, metric: "log_loss" });
    assert.equal(threaded.candidates.length, 6);
    assert.deepEqual(
      threaded.candidates.map((c) => c.score),
      inline.candidates.map((c) => c.score),
    );
    assert.deepEqual(threaded.best.params, inline.best.params);
    assert.deepEqual(threaded.candidates[0]?.cv.oof, inline.candidates[0]?.cv.oof);
    assert.deepEqual(
      seen.map((s) => s[0]),
      Array.from({ length: 19 }, (_, i) => i),
    );
    assert.ok(seen.every((s) => s[1] === 18));
    assert.match(seen[18]?.[2] ?? "", /^candidate \d\/6 fold \d\/3$/);
  });

  it("a search over estimator parameters featurises each fold once: the same scores as each candidate alone", async () => {
    const ensemble: ClassifierSpec = {
      ...SPEC,
      parts: {
        ...SPEC.parts,
        estimator: {
          kind: "ensemble",
          params: {},
          parts: {
            lr: { kind: "logistic", params: { C: 1 } },
            nb: { kind: "multinomial-nb", params: { alpha: 1 } },
          },
        },
      },
    };
    const seen: [number, number, string][] = [];
    const shared = await gridSearch(ensemble, { "estimator.lr.C": [0.1, 10] }, texts, y, FOLDS, {
      workers: 2,
      onProgress: (done, total, label) => seen.push([done, total, label]),
    });
    for (const candidate of shared.candidates) {
      const alone = await crossValidate(candidate.spec, texts, y, FOLDS, { workers: 0 });
      assert.deepEqual(candidate.cv.oof, alone.oof);
      assert.equal(candidate.score, alone.mean.roc_auc);
    }
    assert.notDeepEqual(shared.candidates[0]?.cv.oof, shared.candidates[1]?.cv.oof, "C changes the scores");
    assert.deepEqual(
      seen.map((s) => s[0]),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.ok(seen.slice(1).every((s) => s[1] === 6 && /^candidate [12]\/2 fold [123]\/3$/.test(s[2])));
  });

  it("refit: the best candidate fitted on every row, as fitClassifier would (shared features or not)", async () => {
    for (const grid of [{ "estimator.alpha": [0.01, 1] }, space]) {
      const r = await gridSearch(SPEC, grid, texts, y, FOLDS, { workers: 1, refit: true });
      const expected = fitClassifier(r.best.spec, texts, y, { seed: 0 });
      assert.ok(r.model, "a model with refit");
      assert.deepEqual(r.model.predictProba(texts), expected.predictProba(texts));
      assert.deepEqual(r.model.spec, expected.spec);
      assert.deepEqual(r.model.save().files, expected.save().files);
    }
    const plain = await gridSearch(SPEC, { "estimator.alpha": [1] }, texts, y, FOLDS, { workers: 0 });
    assert.equal(plain.model, undefined, "no model without refit");
  });

  it("ranks by the metric (lowest log loss wins) and edits the spec at the path", async () => {
    const r = await gridSearch(SPEC, space, texts, y, FOLDS, { workers: 0, metric: "log_loss" });
    const min = Math.min(...r.candidates.map((c) => c.score));
    assert.equal(r.best.score, min);
    assert.deepEqual(r.candidates[2]?.params, { "estimator.alpha": 1, "features.sublinearTf": false });
    assert.equal(r.candidates[2]?.spec.parts?.estimator?.params.alpha, 1);
    assert.equal(r.candidates[3]?.spec.parts?.features?.params.sublinearTf, true);
    assert.equal(SPEC.parts?.estimator?.params.alpha, 1, "the base spec is not modified");
  });
});

describe("selection rejects misuse", () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    [
      "fold ids of another length",
      () => crossValidate(SPEC, texts, y, FOLDS.subarray(1)),
      "SELECTION_INVALID",
    ],
    [
      "negative fold id",
      () =>
        crossValidate(
          SPEC,
          texts,
          y,
          FOLDS.map((f) => (f === 2 ? -1 : f)),
        ),
      "SELECTION_INVALID",
    ],
    ["one fold", () => crossValidate(SPEC, texts, y, new Int32Array(texts.length)), "SELECTION_INVALID"],
    [
      "an empty fold",
      () =>
        crossValidate(
          SPEC,
          texts,
          y,
          FOLDS.map((f) => (f === 1 ? 2 : f)),
        ),
      "SELECTION_INVALID",
    ],
    ["negative workers", () => crossValidate(SPEC, texts, y, FOLDS, { workers: -1 }), "SELECTION_INVALID"],
    ["empty space", () => gridSearch(SPEC, {}, texts, y, FOLDS), "SELECTION_INVALID"],
    ["no values", () => gridSearch(SPEC, { "estimator.alpha": [] }, texts, y, FOLDS), "SELECTION_INVALID"],
    ["unknown part", () => gridSearch(SPEC, { "model.alpha": [1] }, texts, y, FOLDS), "SELECTION_INVALID"],
    [
      "malformed path",
      () => gridSearch(SPEC, { "estimator..alpha": [1] }, texts, y, FOLDS),
      "SELECTION_INVALID",
    ],
    [
      "unknown metric",
      () => gridSearch(SPEC, { "estimator.alpha": [1] }, texts, y, FOLDS, { metric: "auc" }),
      "SELECTION_INVALID",
    ],
    [
      "bad parameter value of one candidate sharing a fold's features, raised in a worker",
      () => gridSearch(SPEC, { "estimator.alpha": [1, -1] }, texts, y, FOLDS, { workers: 1 }),
      "PARAM_INVALID",
    ],
    [
      "bad parameter value, raised in a worker",
      () => gridSearch(SPEC, { "estimator.alpha": [-1] }, texts, y, FOLDS, { workers: 1 }),
      "PARAM_INVALID",
    ],
  ];
  for (const [name, call, c] of cases) it(name, () => assert.rejects(call, code(c)));
});
