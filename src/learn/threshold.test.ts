import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { chooseThreshold } from "./threshold.ts";

const scores = Float64Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]);
const y = Uint8Array.from([1, 1, 0, 1, 0, 0, 0]);

function counts(s: Float64Array, t: Uint8Array, threshold: number): { tp: number; fp: number; fn: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  s.forEach((score, i) => {
    if (score >= threshold) t[i] === 1 ? tp++ : fp++;
    else if (t[i] === 1) fn++;
  });
  return { tp, fp, fn };
}

describe("chooseThreshold", () => {
  test("max-f1 picks the cut with the best F1", () => {
    // Cuts: 0.9 → F1 0.5, 0.8 → 0.8, 0.7 → 0.667, 0.6 → 0.857, 0.5 → 0.75.
    assert.equal(chooseThreshold(scores, y, { kind: "max-f1" }), 0.6);
  });

  test("precision-at-least stops at the last cut that adds recall", () => {
    // At 0.6: precision 0.75, all positives in. At 0.5 precision is still 0.6 but only a
    // false positive was added, so 0.6 is the answer.
    assert.equal(chooseThreshold(scores, y, { kind: "precision-at-least", target: 0.6 }), 0.6);
    assert.equal(chooseThreshold(scores, y, { kind: "precision-at-least", target: 0.8 }), 0.8);
  });

  test("when no cut reaches the target, the most precise one", () => {
    const s = Float64Array.from([0.9, 0.8, 0.7]);
    assert.equal(
      chooseThreshold(s, Uint8Array.from([0, 1, 0]), { kind: "precision-at-least", target: 0.9 }),
      0.8,
    );
  });

  test("bad input is refused with a catalogued error", () => {
    const rule = { kind: "max-f1" } as const;
    assert.throws(() => chooseThreshold(scores, Uint8Array.from([1]), rule), {
      code: "TRAINING_DATA_INVALID",
    });
    assert.throws(() => chooseThreshold(new Float64Array(0), new Uint8Array(0), rule), {
      code: "TRAINING_DATA_INVALID",
    });
    assert.throws(() => chooseThreshold(Float64Array.from([Number.NaN]), Uint8Array.from([1]), rule), {
      code: "TRAINING_DATA_INVALID",
    });
    assert.throws(() => chooseThreshold(scores, y, { kind: "precision-at-least", target: 0 }), {
      code: "PARAM_INVALID",
    });
  });

  test("precision-at-least: the target holds and no cut meeting it has more recall (property)", () => {
    const sample = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { minLength: 1, maxLength: 60 })
      .map((rows) => ({
        s: Float64Array.from(rows.map(([v]) => v / 20)),
        t: Uint8Array.from(rows.map(([, p]) => (p ? 1 : 0))),
      }));
    fc.assert(
      fc.property(sample, fc.double({ min: 0.05, max: 1, noNaN: true }), ({ s, t }, target) => {
        const chosen = chooseThreshold(s, t, { kind: "precision-at-least", target });
        const at = counts(s, t, chosen);
        const meeting = [...new Set(s)].filter((c) => {
          const k = counts(s, t, c);
          return k.tp / (k.tp + k.fp) >= target;
        });
        if (meeting.length === 0) return;
        assert.ok(at.tp / (at.tp + at.fp) >= target);
        const bestTp = Math.max(...meeting.map((c) => counts(s, t, c).tp));
        assert.equal(at.tp, bestTp);
        // The highest threshold with that recall: nothing above it reaches the same recall.
        assert.ok(meeting.every((c) => c <= chosen || counts(s, t, c).tp < bestTp));
      }),
    );
  });
});
