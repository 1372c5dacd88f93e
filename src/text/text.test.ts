import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { isSiftError } from "../errors.ts";
import {
  CharWbAnalyzer,
  createFeaturiser,
  DEFAULT_TOKEN_PATTERN,
  decodeEntities,
  fixMojibake,
  HashingVectorizer,
  KeyBuffer,
  loadFeaturiser,
  murmur3Utf8,
  Normaliser,
  RowBuffer,
  TfidfVectorizer,
  termKey,
  WordAnalyzer,
} from "./index.ts";

const isCode = (code: string) => (e: unknown) => isSiftError(e) && e.code === code;

describe("murmur3", () => {
  test("matches scikit-learn's murmurhash3_32 (values computed with sklearn 1.x)", () => {
    assert.deepEqual(
      ["hello", "Привет 🔥", "", "abcd", "abcde"].map((s) => murmur3Utf8(s, 0)),
      [613153351, 788439594, 0, 1139631978, -392455434],
    );
    assert.equal(murmur3Utf8("abcd", 42), -396302900);
  });
});

describe("analyzers", () => {
  test("char_wb n-grams equal scikit-learn's analyzer (as a multiset)", () => {
    const expected = [
      " a",
      "a ",
      " a ",
      " f",
      "fi",
      "ir",
      "re",
      "e!",
      "! ",
      " fi",
      "fir",
      "ire",
      "re!",
      "e! ",
      " fir",
      "fire",
      "ire!",
      "re! ",
      " o",
      "ok",
      "k ",
      " ok",
      "ok ",
      " ok ",
    ];
    assert.deepEqual(new CharWbAnalyzer(2, 4).terms("a fire!  ok").sort(), expected.sort());
  });

  test("word n-grams follow the token pattern", () => {
    assert.deepEqual(new WordAnalyzer(DEFAULT_TOKEN_PATTERN, 1, 2).terms("a big fire, in Москва"), [
      "big",
      "big fire",
      "fire",
      "fire in",
      "in",
      "in москва".replace("москва", "Москва"),
      "Москва",
    ]);
    assert.deepEqual(new WordAnalyzer("\\S+", 2, 2).terms("a b c"), ["a b", "b c"]);
  });

  test("property: the fast key path equals the keys of the term strings", () => {
    const analyzers = [
      new CharWbAnalyzer(1, 5),
      new CharWbAnalyzer(3, 3),
      new WordAnalyzer(DEFAULT_TOKEN_PATTERN, 1, 3),
    ];
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (text) => {
        for (const analyzer of analyzers) {
          const buffer = new KeyBuffer();
          analyzer.keys(text, buffer);
          const terms = analyzer.terms(text);
          assert.equal(buffer.length, terms.length);
          terms.forEach((term, j) => {
            assert.deepEqual(termKey(term), [buffer.a[j], buffer.b[j]]);
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("TfidfVectorizer", () => {
  const docs = ["fire in the city", "the city is calm", "fire fire everywhere", "calm city"];

  test("vocabulary, idf and rows match scikit-learn (ngram 1-2, sublinear tf, min_df 2)", () => {
    const v = new TfidfVectorizer({ ngramRange: [1, 2], sublinearTf: true, minDf: 2 }).fit(docs);
    assert.deepEqual(v.vocabulary, ["calm", "city", "fire", "the", "the city"]);
    const X = v.transform(docs);
    const dense = Array.from({ length: 4 }, () => new Array(5).fill(0));
    for (let i = 0; i < 4; i++) {
      for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
        (dense[i] as number[])[X.indices[k] as number] = Math.round((X.values[k] as number) * 1e6) / 1e6;
      }
    }
    assert.deepEqual(dense, [
      [0.0, 0.423442, 0.523035, 0.523035, 0.523035],
      [0.523035, 0.423442, 0.0, 0.523035, 0.523035],
      [0.0, 0.0, 1.0, 0.0, 0.0],
      [0.777221, 0.629228, 0.0, 0.0, 0.0],
    ]);
  });

  test("max_df drops common terms; max_features keeps the most frequent", () => {
    assert.ok(!new TfidfVectorizer({ maxDf: 0.5 }).fit(docs).vocabulary.includes("city"));
    assert.deepEqual(new TfidfVectorizer({ maxFeatures: 2 }).fit(docs).vocabulary, ["city", "fire"]);
  });

  test("unseen terms and empty text give an empty row; rows are unit l2", () => {
    const v = new TfidfVectorizer().fit(docs);
    const X = v.transform(["", "zebra", "fire city"]);
    assert.deepEqual(Array.from(X.indptr), [0, 0, 0, 2]);
    const norm = Math.hypot(...Array.from(X.values));
    assert.ok(Math.abs(norm - 1) < 1e-6);
  });

  test("use before fit throws MODEL_NOT_FITTED; bad params throw PARAM_INVALID", () => {
    assert.throws(() => new TfidfVectorizer().transform(docs), isCode("MODEL_NOT_FITTED"));
    assert.throws(() => new TfidfVectorizer({ minDf: 0 }), isCode("PARAM_INVALID"));
    assert.throws(() => new TfidfVectorizer({ norm: "l3" }), isCode("PARAM_INVALID"));
    assert.throws(() => new TfidfVectorizer({ ngramRange: [0, 2] }), isCode("PARAM_INVALID"));
    assert.throws(() => new TfidfVectorizer({ minDf: 9 }).fit(docs), isCode("VOCABULARY_EMPTY"));
  });
});

describe("HashingVectorizer", () => {
  test("indices and signs match scikit-learn's HashingVectorizer(n_features=2**18, norm=None)", () => {
    const X = new HashingVectorizer({ nFeatures: 2 ** 18, norm: "none" }).transform([
      "fire in the city fire",
    ]);
    assert.deepEqual(Array.from(X.indices), [5983, 24734, 42257, 192533]);
    assert.deepEqual(Array.from(X.values), [1, -1, 1, 2]);
  });

  test("bucket counts outside 2^18..2^24 or not a power of two are rejected", () => {
    assert.throws(() => new HashingVectorizer({ nFeatures: 2 ** 17 }), isCode("PARAM_INVALID"));
    assert.throws(() => new HashingVectorizer({ nFeatures: 2 ** 25 }), isCode("PARAM_INVALID"));
    assert.throws(() => new HashingVectorizer({ nFeatures: 2 ** 18 + 2 }), isCode("PARAM_INVALID"));
  });
});

describe("union and save/load", () => {
  test("columns are laid side by side; save → load gives identical rows and names", () => {
    const spec = {
      kind: "union",
      params: {},
      parts: {
        word: { kind: "tfidf", params: { analyzer: "word" } },
        char: { kind: "tfidf", params: { analyzer: "char_wb", ngramRange: [2, 3] } },
      },
    };
    const docs = ["fire in the city", "calm city", "héllo wörld 東京"];
    const union = createFeaturiser(spec).fit(docs);
    const loaded = loadFeaturiser(union.spec, union.save("f."), "f.");
    const a = new RowBuffer();
    const b = new RowBuffer();
    union.addRow("fire city 東京", a, 0);
    loaded.addRow("fire city 東京", b, 0);
    assert.deepEqual(a.indices.subarray(0, a.length), b.indices.subarray(0, b.length));
    assert.deepEqual(a.values.subarray(0, a.length), b.values.subarray(0, b.length));
    // Parts are laid out in name order ("char" before "word"), whatever the spec's key order.
    assert.ok(union.featureName(0).startsWith("c:"));
    assert.equal(union.featureName(union.cols - 1), "w:東京");
    assert.throws(() => createFeaturiser({ kind: "union", params: {}, parts: {} }), isCode("PARAM_INVALID"));
    assert.throws(() => createFeaturiser({ kind: "bag", params: {} }), isCode("PARAM_INVALID"));
    assert.throws(() => loadFeaturiser(union.spec, {}, "f."), isCode("MODEL_SPEC_INVALID"));
  });
});

describe("Normaliser", () => {
  test("repairs mojibake, decodes entities, replaces URLs, lowercases", () => {
    const n = new Normaliser();
    assert.equal(n.normalise("CafÃ© &amp; Bar http://t.co/abc now"), "café & bar  _url_  now");
    assert.equal(fixMojibake("itâ€™s"), "it’s");
    assert.equal(fixMojibake("Â ok Ã"), "Â ok Ã");
    assert.equal(decodeEntities("&amp;amp; &#39;x&#x27; &bogus;"), "& 'x' &bogus;");
    assert.equal(
      new Normaliser({ mentionToken: "@user", lowercase: false }).normalise("hi @Bob!"),
      "hi @user!",
    );
  });

  test("optional steps: hashtags split by case and digits, numbers as a token, repeats squashed", () => {
    const n = new Normaliser({ splitHashtags: true, numberToken: " _num_ ", squashRepeats: true });
    assert.equal(n.normalise("#LondonFire"), "londonfire london fire");
    assert.equal(n.normalise("#ABCNews #fire #death_toll"), "abcnews abc news fire death_toll death toll");
    assert.equal(n.normalise("sooooo 2015!!!"), "soo  _num_ !!!");
    assert.equal(new Normaliser().normalise("#LondonFire sooo 12"), "#londonfire sooo 12");
    assert.throws(() => new Normaliser({ numberToken: 1 }), isCode("PARAM_INVALID"));
  });

  test("property: normalising never throws and is deterministic", () => {
    const n = new Normaliser({ nfkc: true, mentionToken: "@u", splitHashtags: true, squashRepeats: true });
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 80 }),
        (s) => n.normalise(s) === new Normaliser(n.params).normalise(s),
      ),
    );
  });

  test("bad parameters are rejected", () => {
    assert.throws(() => new Normaliser({ lowercase: "yes" }), isCode("PARAM_INVALID"));
    assert.throws(() => new Normaliser({ stem: true }), isCode("PARAM_INVALID"));
  });
});
