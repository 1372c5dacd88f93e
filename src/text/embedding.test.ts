import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import { isSiftError } from "../errors.ts";
import { GramCache } from "./gram-cache.ts";
import {
  createFeaturiser,
  EmbeddingVectorizer,
  loadFeaturiser,
  RowBuffer,
  readWordVectors,
  TfidfVectorizer,
} from "./index.ts";

const isCode = (code: string) => (error: unknown) => isSiftError(error) && error.code === code;

const dir = mkdtempSync(join(tmpdir(), "sift-embedding-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny vectors file in the wink layout: the word "vectors" in the word list, odd keys, 3 dims. */
function vectorsFile(name: string, body?: string): string {
  const path = join(dir, name);
  const vectors = [
    '"fire":[1,0,0.5,1.118,0]',
    '"flood":[0.9,0.1,0.4,1,1]',
    '"[":[0,1,0,1,2]',
    '"]":[0,0,1,1,3]',
    '"say \\"hi\\"":[-1.5e-3,2,0,2,4]',
    '"calm":[-1,0.25,0,1.03,5]',
    '"vectors":[0,0,-0.125,0.125,6]',
  ].join(",");
  const text =
    body ??
    `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":7,"dimensions":3,"words":["fire","vectors","calm"],"vectors":{${vectors}},"unkVector":[0,0,0,0,-1]}`;
  writeFileSync(path, text);
  return path;
}

describe("word vectors file", () => {
  test("keeps the wanted words in file order, with exact numbers and escaped keys", () => {
    const file = vectorsFile("v.json");
    const read = readWordVectors(file, (word, rank) => rank < 2 || word === "calm" || word === 'say "hi"');
    assert.equal(read.dimensions, 3);
    assert.deepEqual(read.words, ["fire", "flood", 'say "hi"', "calm"]);
    assert.deepEqual(Array.from(read.vectors.subarray(6, 9)), [Math.fround(-1.5e-3), 2, 0]);
    assert.deepEqual(Array.from(read.vectors.subarray(9, 12)), [-1, 0.25, 0]);
    const brackets = readWordVectors(file, (word) => word === "[" || word === "]");
    assert.deepEqual(brackets.words, ["[", "]"]);
  });

  test("every number is read as JS parses it: plain, signed, exponent, long mantissa, empty", () => {
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.integer({ min: -1e6, max: 1e6 }).map((n) => (n / 10 ** (Math.abs(n) % 9)).toFixed(Math.abs(n) % 12)),
      fc.constantFrom(
        "0",
        "-0",
        ".5",
        "-.25",
        "1.",
        "1234567890123456789",
        "0.00000000000000000000001234",
        "1e5",
        "-2.5E-3",
      ),
    );
    let run = 0;
    fc.assert(
      fc.property(fc.array(number, { minLength: 3, maxLength: 3 }), (nums) => {
        // A fresh name per run: a rewrite of the same size within the same mtime tick could be
        // served from the earlier read's index.
        const file = vectorsFile(
          `numbers-${run++}.json`,
          `{"dimensions":3,"vectors":{"w":[${nums.join(",")},1,0]}}`,
        );
        const read = readWordVectors(file, () => true);
        assert.deepEqual(
          Array.from(read.vectors),
          nums.map((n) => Math.fround(Number(n))),
        );
      }),
      { numRuns: 60 },
    );
  });

  test("a later read of the same file goes through the index: same words and bits as a fresh scan", () => {
    const file = vectorsFile("indexed.json");
    const copy = vectorsFile("indexed-copy.json");
    const first = (word: string, rank: number) => rank < 1 || word === "calm";
    const later = (word: string, rank: number) => rank < 2 || word === 'say "hi"' || word === "]";
    assert.deepEqual(readWordVectors(file, first).words, ["fire", "calm"]);
    // "flood", 'say "hi"' and "]" were not decoded by the first read: each comes from its byte range.
    const indexed = readWordVectors(file, later);
    const fresh = readWordVectors(copy, later);
    assert.deepEqual(indexed.words, ["fire", "flood", "]", 'say "hi"']);
    assert.deepEqual(indexed.words, fresh.words);
    assert.deepEqual(indexed.vectors, fresh.vectors);
    assert.deepEqual(Array.from(indexed.vectors.subarray(9, 12)), [Math.fround(-1.5e-3), 2, 0]);
  });

  test("entries past the first 16 MB chunk are found again at their file offsets", () => {
    // A padded entry spans the first chunk boundary, so "calm" is read from a moved buffer.
    const pad = " ".repeat((1 << 24) + 100);
    const body = `{"dimensions":3,"vectors":{"fire":[1,0,0.5,1,0],"pad":[${pad}0,0,0,0,1],"calm":[-1,0.25,0,1,2]}}`;
    const file = vectorsFile("far.json", body);
    assert.deepEqual(readWordVectors(file, (word) => word === "fire").words, ["fire"]);
    const later = readWordVectors(file, (word) => word === "calm");
    assert.deepEqual(later.words, ["calm"]);
    assert.deepEqual(Array.from(later.vectors), [-1, 0.25, 0]);
  });

  test("a changed file is scanned again, not read through a stale index", () => {
    const file = vectorsFile("changing.json");
    assert.deepEqual(readWordVectors(file, () => true).words.length, 7);
    vectorsFile("changing.json", '{"dimensions":3,"vectors":{"blaze":[0.5,0.5,0,0.7071,0]}}');
    const read = readWordVectors(file, () => true);
    assert.deepEqual(read.words, ["blaze"]);
    assert.deepEqual(Array.from(read.vectors), [0.5, 0.5, 0]);
  });

  test("a file without vectors, a truncated file or a short vector is rejected", () => {
    const noVectors = vectorsFile("none.json", '{"dimensions":3,"words":["vectors"]}');
    assert.throws(() => readWordVectors(noVectors, () => true), isCode("EMBEDDINGS_INVALID"));
    const truncated = vectorsFile("cut.json", '{"dimensions":3,"vectors":{"fire":[1,0,0.5,1,0],"flo');
    assert.throws(() => readWordVectors(truncated, () => true), isCode("EMBEDDINGS_INVALID"));
    const short = vectorsFile("short.json", '{"dimensions":3,"vectors":{"fire":[1,0]}}');
    assert.throws(() => readWordVectors(short, () => true), isCode("EMBEDDINGS_INVALID"));
    const noDims = vectorsFile("nodims.json", '{"vectors":{"fire":[1,0,0,1,0]}}');
    assert.throws(() => readWordVectors(noDims, () => true), isCode("EMBEDDINGS_INVALID"));
  });
});

describe("EmbeddingVectorizer", () => {
  const file = vectorsFile("e.json");
  const docs = ["fire and flood", "calm calm day", "nothing known here"];

  test("a row is the unit-norm sum of the known words' vectors, times scale", () => {
    const v = new EmbeddingVectorizer({ source: file, topWords: 0, scale: 2 }).fit(docs);
    assert.deepEqual(v.vocabulary, ["fire", "flood", "calm"]);
    const row = new RowBuffer();
    v.addRow("fire flood unknown", row, 10);
    assert.deepEqual(Array.from(row.indices.subarray(0, row.length)), [10, 11, 12]);
    let sq = 0;
    for (let k = 0; k < row.length; k++) sq += (row.values[k] as number) ** 2;
    assert.ok(Math.abs(Math.sqrt(sq) - 2) < 1e-5);
    // int8 codes keep each coordinate within 1/254 of the word's largest one.
    assert.ok((row.values[0] as number) > (row.values[2] as number) && (row.values[2] as number) > 0);
    row.clear();
    v.addRow("nothing known", row, 0);
    v.addRow("", row, 0);
    assert.equal(row.length, 0);
  });

  test("word shares add up to the block's contribution", () => {
    const v = new EmbeddingVectorizer({ source: file, topWords: 0 }).fit(docs);
    const weights = Float64Array.of(0.5, -2, 3);
    const row = new RowBuffer();
    const text = "fire fire calm x";
    v.addRow(text, row, 0);
    let block = 0;
    for (let k = 0; k < row.length; k++) block += (row.values[k] as number) * (weights[k] as number);
    const shares = v.wordShares(text, weights);
    assert.deepEqual(shares.map((s) => s.word).sort(), ["calm", "fire"]);
    const total = shares.reduce((sum, s) => sum + s.share, 0);
    assert.ok(Math.abs(total - block) < 1e-5, `${total} vs ${block}`);
  });

  test("in a union: save → load gives identical rows and names; topWords keeps frequent words", () => {
    const spec = {
      kind: "union",
      params: {},
      parts: {
        word: { kind: "tfidf", params: {} },
        emb: { kind: "embedding", params: { source: file, topWords: 6 } },
      },
    };
    const union = createFeaturiser(spec).fit(docs);
    const loaded = loadFeaturiser(union.spec, union.save("f."), "f.");
    const a = new RowBuffer();
    const b = new RowBuffer();
    union.addRow("calm fire, say", a, 0);
    loaded.addRow("calm fire, say", b, 0);
    assert.deepEqual(a.indices.subarray(0, a.length), b.indices.subarray(0, b.length));
    assert.deepEqual(a.values.subarray(0, a.length), b.values.subarray(0, b.length));
    assert.equal(union.featureName(0), "e:d0");
    // rank < 6 keeps "[" and "]" although no training text has them; rank 6 ("vectors") is dropped.
    const v = new EmbeddingVectorizer({ source: file, topWords: 6 }).fit(["zzz fire"]);
    assert.deepEqual(v.vocabulary, ["fire", "flood", "[", "]", 'say "hi"', "calm"]);
  });

  test("missing vectors, bad parameters, use before fit and damaged files are rejected", () => {
    const missing = new EmbeddingVectorizer({ source: "sift-no-such-vectors-package" });
    assert.throws(() => missing.fit(docs), isCode("EMBEDDINGS_MISSING"));
    const absent = new EmbeddingVectorizer({ source: join(dir, "absent.json") });
    assert.throws(() => absent.fit(docs), isCode("EMBEDDINGS_MISSING"));
    assert.throws(
      () => new EmbeddingVectorizer({ source: file, topWords: 0 }).fit(["qqq"]),
      isCode("EMBEDDINGS_INVALID"),
    );
    assert.throws(() => new EmbeddingVectorizer({ scale: 0 }), isCode("PARAM_INVALID"));
    assert.throws(() => new EmbeddingVectorizer({ topWords: 1.5 }), isCode("PARAM_INVALID"));
    assert.throws(() => new EmbeddingVectorizer({ tokenPattern: "x*" }), isCode("PARAM_INVALID"));
    assert.throws(() => new EmbeddingVectorizer().cols, isCode("MODEL_NOT_FITTED"));
    const fitted = new EmbeddingVectorizer({ source: file, topWords: 0 }).fit(docs);
    const files = fitted.save("e.");
    const shortCodes = { ...files, "e.codes.i8": new Uint8Array(2) };
    assert.throws(
      () => EmbeddingVectorizer.load({ source: file }, shortCodes, "e."),
      isCode("MODEL_SPEC_INVALID"),
    );
    assert.throws(() => EmbeddingVectorizer.load({}, {}, "e."), isCode("MODEL_SPEC_INVALID"));
  });
});

describe("char_wb gram cache", () => {
  test("cached and uncached rows are identical, including after the cache is full", () => {
    const docs = ["the fire spreads", "fire fire everywhere", "calm day", "héllo 東京 fire"];
    const fitted = new TfidfVectorizer({ analyzer: "char_wb", ngramRange: [2, 4] }).fit(docs);
    const fresh = TfidfVectorizer.load(fitted.params, fitted.save("c."), "c.");
    const probe = "fire calm fire unseenword 東京";
    const a = new RowBuffer();
    const b = new RowBuffer();
    for (let r = 0; r < 3; r++) {
      a.clear();
      fitted.addRow(probe, a, 0);
    }
    fresh.addRow(probe, b, 0);
    assert.deepEqual(a.indices.subarray(0, a.length), b.indices.subarray(0, b.length));
    assert.deepEqual(a.values.subarray(0, a.length), b.values.subarray(0, b.length));
  });

  test("store refuses past the limit and find only returns stored words", () => {
    const cache = new GramCache(6);
    assert.equal(cache.find("fire", 0, 4), -1);
    const offset = cache.store(Int32Array.of(3, 1, 4), 3);
    assert.equal(cache.find("fire", 0, 4), offset);
    assert.deepEqual(Array.from(cache.pool.subarray(offset, offset + 4)), [3, 3, 1, 4]);
    assert.equal(cache.find("a fire", 2, 6), offset);
    assert.equal(cache.find("flood", 0, 5), -1);
    assert.equal(cache.store(Int32Array.of(1, 2, 3), 3), -1);
    assert.equal(cache.find("flood", 0, 5), -1);
  });
});
