import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isSiftError } from "../errors.ts";
import { conformanceCorpus } from "./conformance-corpus.ts";
import {
  type ClassifierSpec,
  defaultOnlineSpec,
  fitClassifier,
  isOnlineClassifier,
  loadClassifier,
  type OnlineTextClassifier,
  TEXT_ONLINE,
} from "./index.ts";

const corpus = conformanceCorpus();

function spec(features: ClassifierSpec, sgd: Record<string, unknown> = {}): ClassifierSpec {
  return {
    kind: TEXT_ONLINE,
    params: {},
    parts: { features, estimator: { kind: "sgd", params: { alpha: 1e-4, ...sgd } } },
  };
}

const WORDS: ClassifierSpec = { kind: "hashing", params: { analyzer: "word", nFeatures: 2 ** 18 } };
const WORDS_AND_CHARS: ClassifierSpec = {
  kind: "union",
  params: {},
  parts: {
    word: WORDS,
    char: { kind: "hashing", params: { analyzer: "char_wb", ngramRange: [3, 3], nFeatures: 2 ** 18 } },
  },
};

function online(s: ClassifierSpec, seed = 1): OnlineTextClassifier {
  const model = fitClassifier(s, corpus.texts, corpus.y, { seed });
  assert.ok(isOnlineClassifier(model));
  return model;
}

function code(expected: string): (e: unknown) => boolean {
  return (e: unknown) => isSiftError(e) && e.code === expected;
}

describe("text-online: learning", () => {
  test("a word never seen in fitting is learnt by partialFit (no vocabulary to grow)", () => {
    const model = online(spec(WORDS));
    const probe = ["the quokka is here"];
    const before = model.predictProba(probe)[0] as number;
    const rows = Array.from({ length: 30 }, (_, i) => `quokka sighting number ${i}`);
    model.partialFit(rows, new Uint8Array(rows.length).fill(1));
    const after = model.predictProba(probe)[0] as number;
    assert.ok(after > before + 0.05, `P went from ${before} to ${after}`);
    assert.ok(model.explain(probe[0] as string, 3).features.some((f) => f.feature === "hw:quokka"));
  });

  test("rows of a single class are accepted by partialFit; an empty batch changes nothing", () => {
    const model = online(spec(WORDS));
    const saved = model.save();
    model.partialFit([], new Uint8Array(0));
    assert.deepEqual(model.save().files, saved.files);
    model.partialFit(["fire downtown"], Uint8Array.of(1));
    assert.notDeepEqual(model.save().files, saved.files);
  });

  test("the seed comes from FitOptions unless the spec sets one, and the fitted spec records it", () => {
    const a = online(spec(WORDS), 5);
    const b = online(spec(WORDS, { seed: 9 }), 5);
    const sgdSeed = (m: OnlineTextClassifier) => m.spec.parts?.estimator?.params.seed;
    assert.equal(sgdSeed(a), 5);
    assert.equal(sgdSeed(b), 9);
    assert.notDeepEqual(a.save().files, online(spec(WORDS), 6).save().files);
  });

  test("the default online spec fits and predicts the corpus", () => {
    const model = fitClassifier(defaultOnlineSpec(), corpus.texts, corpus.y);
    const p = model.predictProba(corpus.texts);
    const right = p.reduce((n, v, i) => n + ((v >= 0.5 ? 1 : 0) === corpus.y[i] ? 1 : 0), 0);
    assert.ok(right / p.length > 0.9);
  });
});

describe("text-online: explanations name hashed terms", () => {
  const model = online(spec(WORDS_AND_CHARS));

  test("word and char_wb buckets carry the terms of the sentence that hash to them", () => {
    const e = model.explain("flood", Number.POSITIVE_INFINITY);
    const names = e.features.map((f) => f.feature).sort();
    assert.deepEqual(names, ["hc: fl", "hc:flo", "hc:loo", "hc:od ", "hc:ood", "hw:flood"].sort());
  });

  test("the bucket named by a term is the bucket the featuriser used (contributions line up)", () => {
    const sentence = "Huge wildfire near the harbour, people evacuated";
    const whole = model.explain(sentence, Number.POSITIVE_INFINITY);
    for (const word of ["wildfire", "harbour", "evacuated"]) {
      const alone = model
        .explain(word, Number.POSITIVE_INFINITY)
        .features.find((f) => f.feature === `hw:${word}`);
      const inSentence = whole.features.find((f) => f.feature === `hw:${word}`);
      assert.ok(alone !== undefined && inSentence !== undefined, word);
      // Same bucket, same weight; the l2 norm of the row scales the value.
      assert.equal(Math.sign(alone.contribution), Math.sign(inSentence.contribution));
    }
    assert.ok(whole.features.every((f) => /^h[wc]:./.test(f.feature)));
  });
});

describe("text-online: bad input", () => {
  test("specs that cannot learn online are PARAM_INVALID", () => {
    const tfidf = { kind: "tfidf", params: {} };
    const mixed = { kind: "union", params: {}, parts: { w: WORDS, t: tfidf } };
    for (const bad of [
      spec(tfidf),
      spec(mixed),
      spec({ kind: "union", params: {}, parts: {} }),
      spec(WORDS, { loss: "modified_huber" }),
      spec(WORDS, { alpha: -1 }),
      { ...spec(WORDS), parts: { features: WORDS, estimator: { kind: "logistic", params: {} } } },
    ]) {
      assert.throws(
        () => fitClassifier(bad, corpus.texts, corpus.y),
        code("PARAM_INVALID"),
        JSON.stringify(bad),
      );
    }
  });

  test("fitting on one class, or texts and targets of different lengths, is rejected", () => {
    assert.throws(
      () => fitClassifier(spec(WORDS), corpus.texts, new Uint8Array(corpus.texts.length)),
      code("DATA_ONE_CLASS"),
    );
    assert.throws(
      () => fitClassifier(spec(WORDS), corpus.texts, corpus.y.subarray(1)),
      code("TRAINING_DATA_INVALID"),
    );
  });

  test("partialFit rejects mismatched lengths and targets other than 0/1, leaving the model as it was", () => {
    const model = online(spec(WORDS));
    const saved = model.save();
    assert.throws(() => model.partialFit(["a", "b"], Uint8Array.of(1)), code("TRAINING_DATA_INVALID"));
    assert.throws(
      () => model.partialFit(["fire", "flood"], Uint8Array.of(1, 2)),
      code("MODEL_INPUT_INVALID"),
    );
    assert.deepEqual(model.save().files, saved.files);
  });

  test("non-string texts score and train as empty text", () => {
    const model = online(spec(WORDS));
    const odd = [null, 42, undefined] as unknown as string[];
    const p = model.predictProba(odd);
    assert.ok(p.every((v) => v === p[0]));
    assert.equal(p[0], model.predictProba([""])[0]);
    model.partialFit(odd, Uint8Array.of(0, 1, 0));
  });

  test("loading a tampered artifact is MODEL_SPEC_INVALID", () => {
    const saved = online(spec(WORDS)).save();
    const wider = { kind: "hashing", params: { analyzer: "word", nFeatures: 2 ** 19 } };
    const cases: { spec: ClassifierSpec; files: Record<string, Uint8Array> }[] = [
      { spec: { ...saved.spec, parts: { ...saved.spec.parts, features: wider } }, files: { ...saved.files } },
      {
        spec: { ...saved.spec, parts: { ...saved.spec.parts, features: { kind: "tfidf", params: {} } } },
        files: { ...saved.files },
      },
      {
        spec: saved.spec,
        files: { ...saved.files, "estimator.sgd-weights.f64": new Uint8Array(7) },
      },
      { spec: saved.spec, files: { ...saved.files, "estimator.sgd.json": new Uint8Array([0xff]) } },
    ];
    const noMeta = { ...saved.files };
    delete noMeta["estimator.sgd.json"];
    cases.push({ spec: saved.spec, files: noMeta });
    for (const c of cases) assert.throws(() => loadClassifier(c), code("MODEL_SPEC_INVALID"));
  });
});
