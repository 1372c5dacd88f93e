import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import { type ComponentSpec, createFeaturiser, type Featuriser } from "./featuriser.ts";
import { dotRow, RowBuffer } from "./sparse.ts";

const dir = mkdtempSync(join(tmpdir(), "sift-accumulate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny vectors file in the wink layout (see embedding.test.ts). */
function vectorsFile(): string {
  const path = join(dir, "v.json");
  const vectors = [
    '"fire":[1,0,0.5,1.118,0]',
    '"flood":[0.9,0.1,0.4,1,1]',
    '"calm":[-1,0.25,0,1.03,2]',
    '"day\'s":[0.3,-0.7,0.2,0.78,3]',
  ].join(",");
  writeFileSync(
    path,
    `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":4,"dimensions":3,"words":["fire","flood","calm","day's"],"vectors":{${vectors}},"unkVector":[0,0,0,0,-1]}`,
  );
  return path;
}

const WORDS = [
  "fire",
  "flood",
  "calm",
  "day's",
  "the",
  "a",
  "burning",
  "fire!",
  "flo",
  "é",
  "日本",
  "😀",
  "x",
];
const sentence = fc
  .array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 5 })), { maxLength: 25 })
  .map((w) => w.join(" "));

function tfidf(params: Record<string, unknown>): ComponentSpec {
  return { kind: "tfidf", params };
}

/** Weights of both signs and many magnitudes, different for each seed. */
function weights(cols: number, seed: number): Float64Array {
  return Float64Array.from({ length: cols }, (_, j) => Math.sin(seed + 0.7 * j) * 10 ** ((j % 7) - 3));
}

/** The reference: the row addRow writes, then a dot product over it in row order. */
function byRow(f: Featuriser, text: string, coef: Float64Array, z: number): number {
  const row = new RowBuffer();
  f.addRow(text, row, 0);
  return dotRow(row, 0, coef, z);
}

describe("accumulateDot equals addRow then a dot product, bit for bit", () => {
  const corpus = fc.sample(sentence, { numRuns: 300, seed: 3 });
  const source = vectorsFile();
  const specs: [string, ComponentSpec][] = [
    ["word 1-2, sublinear, l2", tfidf({ ngramRange: [1, 2], sublinearTf: true })],
    ["char_wb 2-5, sublinear, l2", tfidf({ analyzer: "char_wb", ngramRange: [2, 5], sublinearTf: true })],
    ["char_wb 1-3, raw tf, l1", tfidf({ analyzer: "char_wb", ngramRange: [1, 3], norm: "l1" })],
    ["word, binary, no norm", tfidf({ binary: true, norm: "none", useIdf: false })],
    ["word, sublinear, no norm", tfidf({ sublinearTf: true, norm: "none" })],
    ["hashing", { kind: "hashing", params: {} }],
    ["embedding", { kind: "embedding", params: { source, topWords: 10, scale: 0.5 } }],
    [
      "union of all",
      {
        kind: "union",
        params: {},
        parts: {
          word: tfidf({ ngramRange: [1, 2], minDf: 2, sublinearTf: true }),
          char: tfidf({ analyzer: "char_wb", ngramRange: [2, 5], minDf: 2, sublinearTf: true }),
          emb: { kind: "embedding", params: { source } },
          hash: { kind: "hashing", params: {} },
        },
      },
    ],
  ];
  for (const [name, spec] of specs) {
    test(name, () => {
      const f = createFeaturiser(spec).fit(corpus);
      const memo: Float64Array[] = [];
      fc.assert(
        fc.property(
          sentence,
          fc.integer({ min: 0, max: 7 }),
          fc.double({ noNaN: true, min: -10, max: 10 }),
          (text, seed, z) => {
            const coef = memo[seed] ?? weights(f.cols, seed);
            memo[seed] = coef;
            assert.ok(Object.is(f.accumulateDot(text, coef, 0, z), byRow(f, text, coef, z)));
          },
        ),
        { numRuns: f.cols > 10_000 ? 60 : 300 },
      );
      // The same weights array again (featurisers may keep an arrangement of it), then new ones.
      const coef = Float64Array.from({ length: f.cols }, (_, j) => Math.sin(j + 1));
      for (const text of corpus.slice(0, 50)) {
        assert.ok(Object.is(f.accumulateDot(text, coef, 0, 0.25), byRow(f, text, coef, 0.25)));
      }
      const other = Float64Array.from({ length: f.cols }, (_, j) => Math.cos(j));
      for (const text of corpus.slice(0, 50)) {
        assert.ok(Object.is(f.accumulateDot(text, other, 0, 0), byRow(f, text, other, 0)));
      }
    });
  }
});
