import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  buildReference,
  DEFAULT_THRESHOLDS,
  driftAlerts,
  driftSignals,
  evenEdges,
  foldLabelMix,
  histogram,
  labelShift,
  parseReference,
  psi,
} from "./index.ts";

test("histogram puts values in their bins and clamps the ends", () => {
  assert.deepEqual(histogram([0, 0.05, 0.1, 0.5, 0.99, 1, 1.5, -2], evenEdges(0, 1, 4)), [4, 0, 1, 3]);
});

test("PSI is zero for identical distributions and grows with a shift", () => {
  assert.equal(psi([10, 20, 30], [1, 2, 3]), 0);
  const small = psi([25, 25, 25, 25], [30, 25, 25, 20]);
  const large = psi([25, 25, 25, 25], [70, 10, 10, 10]);
  assert.ok(small > 0 && small < 0.1, `small shift ${small}`);
  assert.ok(large > 0.2, `large shift ${large}`);
  assert.equal(psi([0, 0], [1, 1]), 0, "no reference counts: no judgement");
});

test("PSI is non-negative and finite for any pair of histograms (property)", () => {
  const counts = fc.array(fc.nat(1000), { minLength: 5, maxLength: 5 });
  fc.assert(
    fc.property(counts, counts, (a, b) => {
      const value = psi(a, b);
      return Number.isFinite(value) && value >= -1e-12;
    }),
  );
});

test("label shift is the largest change of any label's share", () => {
  assert.equal(labelShift({ a: 0.5, b: 0.5 }, { a: 0.8, b: 0.2 }), 0.30000000000000004);
  assert.equal(labelShift({ a: 1 }, { b: 1 }), 1);
});

const reference = buildReference({
  texts: ["fire in the city", "the city is calm", "flood warning now", "happy birthday to you"],
  scores: [0.9, 0.1, 0.8, 0.2],
  labels: ["Relevant", "Not Relevant", "Relevant", "Can't Decide"],
});

test("buildReference records score and length histograms, vocabulary and label mix", () => {
  assert.equal(
    reference.score.counts.reduce((s, c) => s + c, 0),
    4,
  );
  assert.equal(
    reference.length.counts.reduce((s, c) => s + c, 0),
    4,
  );
  assert.ok(reference.vocabulary.includes("city"));
  assert.equal(reference.labelMix.Relevant, 0.5);
  assert.equal(reference.oovRate, 0);
  assert.deepEqual(foldLabelMix(reference, "Relevant", "Not Relevant").labelMix, {
    Relevant: 0.5,
    "Not Relevant": 0.5,
  });
});

test("parseReference reads its own shape and the documented spellings, and refuses junk", () => {
  assert.deepEqual(parseReference(JSON.parse(JSON.stringify(reference))), reference);
  const variant = parseReference({
    scoreHistogram: { bins: [0, 0.5, 1], counts: [3, 1] },
    lengthHistogram: { edges: [0, 10, 100], counts: [2, 2] },
    topVocabulary: [
      ["fire", 3],
      ["city", 2],
    ],
    labelCounts: { Relevant: 30, "Not Relevant": 70 },
  });
  assert.deepEqual(variant?.vocabulary, ["fire", "city"]);
  assert.equal(variant?.labelMix.Relevant, 0.3);
  assert.equal(variant?.oovRate, 0);
  assert.equal(parseReference(null), null);
  assert.equal(
    parseReference({ score: { edges: [0, 1], counts: [1, 2] } }),
    null,
    "edges must be counts + 1",
  );
  assert.equal(parseReference({ ...reference, vocabulary: [1, 2] }), null);
  assert.equal(parseReference({ ...reference, labelMix: { a: -1 } }), null);
});

test("driftAlerts flags each signal over its threshold, and nothing below minSamples", () => {
  const same = driftSignals(reference, {
    scores: Array(100).fill(0.85),
    lengths: Array(100).fill(30),
    tokens: 400,
    oovTokens: 300,
    labelCounts: { "Not Relevant": 100 },
  });
  assert.deepEqual(driftAlerts(same), ["score_psi", "length_psi", "oov_rate", "label_mix"]);
  assert.deepEqual(driftAlerts({ ...same, samples: 10 }), []);
  const calm = { ...same, scorePsi: 0.01, lengthPsi: 0.01, oovRate: 0.05, labelShift: 0.05 };
  assert.deepEqual(driftAlerts(calm, DEFAULT_THRESHOLDS), []);
});
