/**
 * The conformance suite every classifier kind passes (scikit-learn's `parametrize_with_checks`).
 * To add a kind, add one entry to CASES: a spec that fits on the small corpus, and a few bad
 * parameter edits that must be rejected with PARAM_INVALID.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSiftError } from "../errors.ts";
import { conformanceCorpus, ODD_INPUTS } from "./conformance-corpus.ts";
import {
  type ClassifierSpec,
  createEstimator,
  defaultClassifierSpec,
  defaultOnlineSpec,
  fitClassifier,
  isOnlineClassifier,
  loadClassifier,
  type TextClassifier,
} from "./index.ts";

/** The default's n-gram features: naive Bayes needs non-negative columns; word vectors are not. */
function ngramFeatures(): ClassifierSpec {
  const features = defaultClassifierSpec().parts?.features as ClassifierSpec;
  const { emb: _vectors, ...ngrams } = features.parts ?? {};
  return { ...features, parts: ngrams };
}

function linearSpec(estimator: ClassifierSpec, features?: ClassifierSpec): ClassifierSpec {
  const base = defaultClassifierSpec();
  return {
    kind: "text-linear",
    params: {},
    parts: { ...base.parts, features: features ?? ngramFeatures(), estimator },
  };
}

function onlineSpec(sgd: Record<string, unknown>): ClassifierSpec {
  const base = defaultOnlineSpec();
  return {
    ...base,
    parts: { ...base.parts, estimator: { kind: "sgd", params: { loss: "log_loss", ...sgd } } },
  };
}

interface Case {
  readonly name: string;
  readonly spec: ClassifierSpec;
  /** Specs that differ from `spec` by one bad parameter. */
  readonly bad: readonly ClassifierSpec[];
}

const lr = { kind: "logistic", params: { C: 1, classWeight: "balanced" } };
const CASES: readonly Case[] = [
  { name: "default", spec: defaultClassifierSpec(), bad: [] },
  {
    name: "logistic",
    spec: linearSpec(lr),
    bad: [
      linearSpec({ kind: "logistic", params: { C: 0 } }),
      linearSpec({ kind: "logistic", params: { C: "1" } }),
      linearSpec({ kind: "logistic", params: { classWeight: "heavy" } }),
      linearSpec({ kind: "logistic", params: { maxIter: 1.5 } }),
      linearSpec({ kind: "logistic", params: { Cc: 1 } }),
    ],
  },
  {
    name: "logistic-multinomial",
    spec: linearSpec({ kind: "logistic", params: { multiClass: "multinomial" } }),
    bad: [linearSpec({ kind: "logistic", params: { multiClass: "ovr" } })],
  },
  {
    name: "nb-logistic",
    spec: linearSpec({ kind: "nb-logistic", params: { C: 0.5 } }),
    bad: [linearSpec({ kind: "nb-logistic", params: { alpha: -1 } })],
  },
  {
    name: "multinomial-nb",
    spec: linearSpec({ kind: "multinomial-nb", params: { alpha: 0.5 } }),
    bad: [linearSpec({ kind: "multinomial-nb", params: { alpha: 0 } })],
  },
  {
    name: "complement-nb",
    spec: linearSpec({ kind: "complement-nb", params: { alpha: 0.5, norm: true } }),
    bad: [linearSpec({ kind: "complement-nb", params: { norm: "yes" } })],
  },
  {
    name: "ensemble",
    spec: linearSpec({
      kind: "ensemble",
      params: { weights: [2, 1] },
      parts: { lr, cnb: { kind: "complement-nb", params: {} } },
    }),
    bad: [
      linearSpec({ kind: "ensemble", params: { weights: [1] }, parts: { lr, lr2: lr } }),
      linearSpec({ kind: "ensemble", params: {}, parts: {} }),
    ],
  },
  {
    name: "hashing-features",
    spec: linearSpec(lr, {
      kind: "hashing",
      params: { analyzer: "char_wb", ngramRange: [2, 4], nFeatures: 2 ** 18 },
    }),
    bad: [
      linearSpec(lr, { kind: "hashing", params: { nFeatures: 1000 } }),
      linearSpec(lr, { kind: "hashing", params: { nFeatures: 300_000 } }),
    ],
  },
  {
    name: "text-online",
    spec: onlineSpec({ alpha: 1e-4 }),
    bad: [
      onlineSpec({ alpha: 0 }),
      onlineSpec({ loss: "hinge" }),
      onlineSpec({ learningRate: "fast" }),
      {
        ...onlineSpec({}),
        parts: {
          ...onlineSpec({}).parts,
          features: defaultClassifierSpec().parts?.features as ClassifierSpec,
        },
      },
      { ...onlineSpec({}), parts: { ...onlineSpec({}).parts, estimator: lr } },
    ],
  },
  {
    name: "word-only-tfidf",
    spec: linearSpec(lr, {
      kind: "tfidf",
      params: { analyzer: "word", ngramRange: [1, 3], maxFeatures: 50 },
    }),
    bad: [
      linearSpec(lr, { kind: "tfidf", params: { ngramRange: [3, 1] } }),
      linearSpec(lr, { kind: "tfidf", params: { tokenPattern: "(" } }),
      linearSpec(lr, { kind: "tfidf", params: { tokenPattern: "a*" } }),
      linearSpec(lr, { kind: "tfidf", params: { maxDf: 0 } }),
      linearSpec(lr, { kind: "nope", params: {} }),
    ],
  },
];

const corpus = conformanceCorpus();

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function assertProbabilities(p: Float64Array): void {
  for (const v of p) assert.ok(v >= 0 && v <= 1 && Number.isFinite(v), `probability ${v} outside [0, 1]`);
}

for (const c of CASES) {
  describe(`conformance: ${c.name}`, () => {
    const model: TextClassifier = fitClassifier(c.spec, corpus.texts, corpus.y, { seed: 7 });

    test("fitting is deterministic: same data and spec give byte-identical files", () => {
      const again = fitClassifier(c.spec, corpus.texts, corpus.y, { seed: 7 }).save();
      const first = model.save();
      assert.deepEqual(Object.keys(again.files), Object.keys(first.files));
      for (const [name, bytes] of Object.entries(first.files)) {
        assert.ok(Buffer.from(bytes).equals(Buffer.from(again.files[name] as Uint8Array)), `${name} differs`);
      }
      assert.deepEqual(again.spec, first.spec);
    });

    test("save → JSON spec → load predicts bit for bit the same", () => {
      const saved = model.save();
      const spec = JSON.parse(JSON.stringify(saved.spec)) as ClassifierSpec;
      const loaded = loadClassifier({ spec, files: saved.files });
      const texts = [...corpus.texts.slice(0, 40), ...ODD_INPUTS];
      assert.ok(sameBits(model.predictProba(texts), loaded.predictProba(texts)));
      assert.deepEqual(
        loaded.explain(corpus.texts[0] as string, 5),
        model.explain(corpus.texts[0] as string, 5),
      );
    });

    test("learns the corpus: probabilities in [0, 1], most training rows right", () => {
      const p = model.predictProba(corpus.texts);
      assertProbabilities(p);
      let right = 0;
      p.forEach((v, i) => {
        right += (v >= 0.5 ? 1 : 0) === corpus.y[i] ? 1 : 0;
      });
      assert.ok(right / p.length > 0.9, `training accuracy ${right / p.length}`);
    });

    test("empty, very long, non-Latin and broken input are scored, not thrown", () => {
      assertProbabilities(model.predictProba(ODD_INPUTS));
      for (const text of ODD_INPUTS) {
        const e = model.explain(text, 3);
        assert.ok(Number.isFinite(e.score) && e.features.length <= 3);
      }
    });

    test("explain is exact: bias + Σ contributions = score, sigmoid(score) = probability", () => {
      for (const text of corpus.texts.slice(0, 10)) {
        const e = model.explain(text, Number.POSITIVE_INFINITY);
        const sum = e.features.reduce((s, f) => s + f.contribution, e.bias);
        assert.ok(Math.abs(sum - e.score) < 1e-9);
        const p = model.predictProba([text])[0] as number;
        assert.ok(Math.abs(1 / (1 + Math.exp(-e.score)) - p) < 1e-12);
        for (let i = 1; i < e.features.length; i++) {
          assert.ok(
            Math.abs((e.features[i - 1] as { contribution: number }).contribution) >=
              Math.abs((e.features[i] as { contribution: number }).contribution),
          );
        }
      }
    });

    test("bad parameters are rejected with PARAM_INVALID before any fitting", () => {
      for (const bad of c.bad) {
        assert.throws(
          () => fitClassifier(bad, corpus.texts, corpus.y),
          (error: unknown) =>
            isSiftError(error) && error.code === "PARAM_INVALID" && /Parameter \S+ of/.test(error.message),
          JSON.stringify(bad.parts?.estimator ?? bad),
        );
      }
    });
  });
}

describe("conformance: online learning", () => {
  const spec = CASES.find((c) => c.name === "text-online")?.spec as ClassifierSpec;
  const head = { texts: corpus.texts.slice(0, 150), y: corpus.y.subarray(0, 150) };
  const tail = {
    texts: [...corpus.texts.slice(150), "a brand-new word: zyzzyva flood"],
    y: Uint8Array.of(...corpus.y.subarray(150), 1),
  };

  test("partialFit after save → load continues exactly as without the round trip", () => {
    const kept = fitClassifier(spec, head.texts, head.y, { seed: 3 });
    const saved = kept.save();
    const loaded = loadClassifier({ spec: JSON.parse(JSON.stringify(saved.spec)), files: saved.files });
    assert.ok(isOnlineClassifier(kept) && isOnlineClassifier(loaded));
    kept.partialFit(tail.texts, tail.y);
    loaded.partialFit(tail.texts, tail.y);
    const a = kept.save();
    const b = loaded.save();
    for (const [name, bytes] of Object.entries(a.files)) {
      assert.ok(Buffer.from(bytes).equals(Buffer.from(b.files[name] as Uint8Array)), `${name} differs`);
    }
    assert.ok(sameBits(kept.predictProba(corpus.texts), loaded.predictProba(corpus.texts)));
  });

  test("partialFit changes the model; text-linear kinds are not online", () => {
    const model = fitClassifier(spec, head.texts, head.y, { seed: 3 });
    assert.ok(isOnlineClassifier(model));
    const before = model.predictProba(tail.texts);
    model.partialFit(tail.texts, tail.y);
    assert.ok(!sameBits(before, model.predictProba(tail.texts)));
    assert.equal(
      isOnlineClassifier(fitClassifier(CASES[1]?.spec as ClassifierSpec, corpus.texts, corpus.y)),
      false,
    );
  });
});

describe("conformance: use before fit and bad training data", () => {
  const kinds: ClassifierSpec[] = [
    { kind: "logistic", params: {} },
    { kind: "nb-logistic", params: {} },
    { kind: "multinomial-nb", params: {} },
    { kind: "complement-nb", params: {} },
    { kind: "ensemble", params: {}, parts: { lr: { kind: "logistic", params: {} } } },
  ];
  for (const spec of kinds) {
    test(`${spec.kind}: predicting before fit throws MODEL_NOT_FITTED`, () => {
      const estimator = createEstimator(spec);
      assert.equal(estimator.fitted, false);
      const X = {
        rows: 0,
        cols: 3,
        indptr: Int32Array.of(0),
        indices: new Int32Array(0),
        values: new Float32Array(0),
      };
      assert.throws(
        () => estimator.binaryLinear(),
        (e: unknown) => isSiftError(e) && e.code === "MODEL_NOT_FITTED",
      );
      assert.throws(
        () => estimator.predictProbaAll(X),
        (e: unknown) => isSiftError(e) && e.code === "MODEL_NOT_FITTED",
      );
    });
  }

  test("one class only is DATA_ONE_CLASS; length mismatch is TRAINING_DATA_INVALID", () => {
    const spec = defaultClassifierSpec();
    assert.throws(
      () => fitClassifier(spec, corpus.texts, new Uint8Array(corpus.texts.length)),
      (e: unknown) => isSiftError(e) && e.code === "DATA_ONE_CLASS",
    );
    assert.throws(
      () => fitClassifier(spec, corpus.texts, corpus.y.subarray(1)),
      (e: unknown) => isSiftError(e) && e.code === "TRAINING_DATA_INVALID",
    );
  });

  test("texts with no usable term give VOCABULARY_EMPTY", () => {
    assert.throws(
      () => fitClassifier(defaultClassifierSpec(), ["", " ", "!", "?"], Uint8Array.of(0, 1, 0, 1)),
      (e: unknown) => isSiftError(e) && e.code === "VOCABULARY_EMPTY",
    );
  });

  test("an unknown classifier kind is rejected; a saved file missing is MODEL_SPEC_INVALID", () => {
    assert.throws(
      () => fitClassifier({ kind: "forest", params: {} }, corpus.texts, corpus.y),
      (e: unknown) => isSiftError(e) && e.code === "PARAM_INVALID",
    );
    const saved = fitClassifier(defaultClassifierSpec(), corpus.texts, corpus.y).save();
    const rest = { ...saved.files };
    delete rest["linear.coef.f64"];
    assert.throws(
      () => loadClassifier({ spec: saved.spec, files: rest }),
      (e: unknown) => isSiftError(e) && e.code === "MODEL_SPEC_INVALID",
    );
    const truncated = {
      ...saved.files,
      "linear.coef.f64": (saved.files["linear.coef.f64"] as Uint8Array).subarray(8),
    };
    assert.throws(
      () => loadClassifier({ spec: saved.spec, files: truncated }),
      (e: unknown) => isSiftError(e) && e.code === "MODEL_SPEC_INVALID",
    );
  });
});
