import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  accuracy,
  averagePrecision,
  binaryReport,
  brierScore,
  calibrationTable,
  classificationScores,
  confusionMatrix,
  logLoss,
  prCurve,
  rocAuc,
  rocCurve,
} from "./index.ts";

/*
 * Expected values below were computed with scikit-learn 1.2.1 (Debian python3-sklearn, run with
 * /usr/bin/python3) on the same vectors: roc_auc_score, average_precision_score, log_loss,
 * brier_score_loss, roc_curve (with and without drop_intermediate), precision_recall_curve,
 * precision_recall_fscore_support (per class, macro, weighted), confusion_matrix and
 * calibration_curve (uniform, 4 bins; quantile, 3 bins). sklearn 1.2 gives roc_curve's first
 * threshold as max + 1 (1.95 here); sift gives +Infinity, as sklearn >= 1.3 does.
 */
const Y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1];
const S = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9, 0.2, 0.4, 0.65, 0.7, 0.05, 0.3, 0.55, 0.2, 0.95, 0.6];
const PRED = S.map((s) => (s >= 0.5 ? 1 : 0));

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length, "length");
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs((actual[i] as number) - (expected[i] as number)) <= tol,
      `[${i}] ${actual[i]} vs ${expected[i]}`,
    );
  }
}

function near(actual: number, expected: number, tol = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);
}

describe("metrics against scikit-learn's numbers", () => {
  it("roc_auc, average precision, log loss, Brier", () => {
    near(rocAuc(Y, S), 0.796875);
    near(averagePrecision(Y, S), 0.8170454545454545);
    near(logLoss(Y, S), 0.5074102639166429);
    near(brierScore(Y, S), 0.17578125);
    near(logLoss([1, 0, 1], [1, 0, 0]), 12.014551129705717, 1e-9);
  });

  it("roc_curve with and without drop_intermediate", () => {
    const dropped = rocCurve(Y, S);
    close(dropped.fpr, [0.0, 0.0, 0.0, 0.125, 0.125, 0.25, 0.5, 0.5, 0.75, 1.0]);
    close(dropped.tpr, [0.0, 0.125, 0.375, 0.375, 0.625, 0.625, 0.75, 1.0, 1.0, 1.0]);
    close(dropped.thresholds.subarray(1), [0.95, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2, 0.05]);
    assert.equal(dropped.thresholds[0], Number.POSITIVE_INFINITY);
    const full = rocCurve(Y, S, { dropIntermediate: false });
    close(full.fpr, [0, 0, 0, 0, 0.125, 0.125, 0.125, 0.25, 0.5, 0.5, 0.5, 0.75, 0.875, 1]);
    close(full.tpr, [0, 0.125, 0.25, 0.375, 0.375, 0.5, 0.625, 0.625, 0.75, 0.875, 1, 1, 1, 1]);
    close(
      full.thresholds.subarray(1),
      [0.95, 0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.4, 0.35, 0.3, 0.2, 0.1, 0.05],
    );
  });

  it("precision_recall_curve", () => {
    const c = prCurve(Y, S);
    close(
      c.precision,
      [
        0.5, 0.5333333333333333, 0.5714285714285714, 0.6666666666666666, 0.6363636363636364, 0.6,
        0.7142857142857143, 0.8333333333333334, 0.8, 0.75, 1.0, 1.0, 1.0, 1.0,
      ],
    );
    close(c.recall, [1.0, 1.0, 1.0, 1.0, 0.875, 0.75, 0.625, 0.625, 0.5, 0.375, 0.375, 0.25, 0.125, 0.0]);
    close(c.thresholds, [0.05, 0.1, 0.2, 0.3, 0.35, 0.4, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9, 0.95]);
  });

  it("accuracy, confusion matrix, precision/recall/F1 per class, macro and weighted", () => {
    near(accuracy(Y, PRED), 0.6875);
    assert.deepEqual(confusionMatrix(Y, PRED), [
      [6, 2],
      [3, 5],
    ]);
    const s = classificationScores(Y, PRED);
    close(
      s.perClass.map((c) => c.precision),
      [0.6666666666666666, 0.7142857142857143],
    );
    close(
      s.perClass.map((c) => c.recall),
      [0.75, 0.625],
    );
    close(
      s.perClass.map((c) => c.f1),
      [0.7058823529411765, 0.6666666666666666],
    );
    assert.deepEqual(
      s.perClass.map((c) => c.support),
      [8, 8],
    );
    close([s.macro.precision, s.macro.recall, s.macro.f1], [0.6904761904761905, 0.6875, 0.6862745098039216]);
    close(
      [s.weighted.precision, s.weighted.recall, s.weighted.f1],
      [0.6904761904761905, 0.6875, 0.6862745098039216],
    );
  });

  it("multi-class precision/recall/F1", () => {
    const yt = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0];
    const yq = [0, 2, 2, 1, 1, 0, 0, 1, 2, 0];
    const s = classificationScores(yt, yq, 3);
    close(
      s.perClass.map((c) => c.precision),
      [0.75, 0.6666666666666666, 0.3333333333333333],
    );
    close(
      s.perClass.map((c) => c.recall),
      [1.0, 0.5, 0.3333333333333333],
    );
    close(
      s.perClass.map((c) => c.f1),
      [0.8571428571428571, 0.5714285714285715, 0.3333333333333333],
    );
    close(
      [s.macro.precision, s.macro.recall, s.macro.f1],
      [0.5833333333333333, 0.611111111111111, 0.5873015873015873],
    );
    close(
      [s.weighted.precision, s.weighted.recall, s.weighted.f1],
      [0.5916666666666666, 0.6, 0.5857142857142857],
    );
  });

  it("calibration_curve, uniform and quantile bins", () => {
    const u = calibrationTable(Y, S, { bins: 4 }).filter((b) => b.count > 0);
    close(
      u.map((b) => b.fractionPositive),
      [0.0, 0.6, 0.5, 1.0],
    );
    close(
      u.map((b) => b.meanPredicted),
      [0.1375, 0.37, 0.625, 0.8833333333333334],
    );
    assert.deepEqual(
      u.map((b) => b.count),
      [4, 5, 4, 3],
    );
    const q = calibrationTable(Y, S, { bins: 3, strategy: "quantile" }).filter((b) => b.count > 0);
    close(
      q.map((b) => b.fractionPositive),
      [0.2, 0.4, 0.8333333333333334],
    );
    close(
      q.map((b) => b.meanPredicted),
      [0.17, 0.41999999999999993, 0.7666666666666666],
    );
  });

  it("binaryReport gathers the scalar metrics and the confusion counts", () => {
    const r = binaryReport(Y, S, 0.5);
    assert.deepEqual(r.confusion, { tn: 6, fp: 2, fn: 3, tp: 5 });
    near(r.metrics.precision as number, 0.7142857142857143);
    near(r.metrics.recall as number, 0.625);
    near(r.metrics.f1 as number, 0.6666666666666666);
    near(r.metrics.accuracy as number, 0.6875);
    near(r.metrics.roc_auc as number, 0.796875);
    near(r.metrics.pr_auc as number, 0.8170454545454545);
    near(r.metrics.log_loss as number, 0.5074102639166429);
    near(r.metrics.brier as number, 0.17578125);
    near(r.metrics.macro_f1 as number, 0.6862745098039216);
    assert.equal(r.metrics.threshold, 0.5);
  });

  it("binaryReport gives NaN ranking metrics when the rows hold one class", () => {
    const r = binaryReport([0, 0, 0], [0.1, 0.7, 0.2], 0.5);
    assert.ok(Number.isNaN(r.metrics.roc_auc));
    assert.ok(Number.isNaN(r.metrics.pr_auc));
    assert.deepEqual(r.confusion, { tn: 2, fp: 1, fn: 0, tp: 0 });
    assert.equal(r.metrics.precision, 0);
  });
});

describe("metrics reject bad input", () => {
  const cases: [string, () => unknown, string][] = [
    ["length mismatch", () => rocAuc([0, 1], [0.1]), "METRIC_INPUT_INVALID"],
    ["no rows", () => rocAuc([], []), "METRIC_INPUT_INVALID"],
    ["NaN score", () => averagePrecision([0, 1], [0.1, Number.NaN]), "METRIC_INPUT_INVALID"],
    ["label 2", () => logLoss([0, 2], [0.1, 0.2]), "METRIC_INPUT_INVALID"],
    ["fractional label", () => brierScore([0, 0.5], [0.1, 0.2]), "METRIC_INPUT_INVALID"],
    ["probability above 1", () => logLoss([0, 1], [0.1, 1.2]), "METRIC_INPUT_INVALID"],
    ["negative probability", () => brierScore([0, 1], [-0.1, 0.2]), "METRIC_INPUT_INVALID"],
    ["one class for ROC AUC", () => rocAuc([1, 1], [0.1, 0.2]), "METRIC_UNDEFINED"],
    ["one class for ROC curve", () => rocCurve([0, 0], [0.1, 0.2]), "METRIC_UNDEFINED"],
    ["no positive for AP", () => averagePrecision([0, 0], [0.1, 0.2]), "METRIC_UNDEFINED"],
    ["prediction out of range", () => accuracy([0, 1], [0, 3]), "METRIC_INPUT_INVALID"],
    ["nClasses 1", () => confusionMatrix([0], [0], 1), "METRIC_INPUT_INVALID"],
    ["prediction length", () => classificationScores([0, 1], [0]), "METRIC_INPUT_INVALID"],
    ["zero bins", () => calibrationTable([0, 1], [0.1, 0.2], { bins: 0 }), "METRIC_INPUT_INVALID"],
    ["NaN threshold", () => binaryReport([0, 1], [0.1, 0.2], Number.NaN), "METRIC_INPUT_INVALID"],
    ["report score not a probability", () => binaryReport([0, 1], [0.1, 3], 0.5), "METRIC_INPUT_INVALID"],
  ];
  for (const [name, call, code] of cases) {
    it(name, () => assert.throws(call, (e: unknown) => (e as { code?: string }).code === code));
  }
});

/** Random binary problems with both classes, scores on a coarse grid so ties are common. */
const problem = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 20 })), {
    minLength: 2,
    maxLength: 60,
  })
  .filter((rows) => rows.some((r) => r[0] === 1) && rows.some((r) => r[0] === 0))
  .map((rows) => ({ y: rows.map((r) => r[0]), s: rows.map((r) => r[1] / 20) }));

describe("metrics against their definitions (property tests)", () => {
  it("ROC AUC is P(score of a positive > score of a negative), ties counting one half", () => {
    const pairScore = (a: number, b: number): number => (a > b ? 1 : a === b ? 0.5 : 0);
    fc.assert(
      fc.property(problem, ({ y, s }) => {
        const pos = s.filter((_, i) => y[i] === 1);
        const neg = s.filter((_, i) => y[i] === 0);
        const wins = pos.reduce((acc, p) => acc + neg.reduce((a, n) => a + pairScore(p, n), 0), 0);
        near(rocAuc(y, s), wins / (pos.length * neg.length), 1e-12);
      }),
    );
  });

  it("ROC AUC is unchanged by a monotone map of the scores and mirrors under negation", () => {
    fc.assert(
      fc.property(problem, ({ y, s }) => {
        const auc = rocAuc(y, s);
        near(
          rocAuc(
            y,
            s.map((v) => Math.exp(3 * v) - 7),
          ),
          auc,
          1e-12,
        );
        near(
          rocAuc(
            y,
            s.map((v) => -v),
          ),
          1 - auc,
          1e-12,
        );
      }),
    );
  });

  it("average precision is the mean over positives of precision at their score", () => {
    /** Precision when every row scoring at least `t` is predicted positive. */
    const precisionAt = (y: number[], s: number[], t: number): number => {
      const kept = y.filter((_, j) => (s[j] as number) >= t);
      return kept.filter((v) => v === 1).length / kept.length;
    };
    fc.assert(
      fc.property(problem, ({ y, s }) => {
        const positives = y.flatMap((v, i) => (v === 1 ? [s[i] as number] : []));
        const mean = positives.reduce((a, t) => a + precisionAt(y, s, t), 0) / positives.length;
        near(averagePrecision(y, s), mean, 1e-12);
      }),
    );
  });

  it("dropping intermediate points keeps the curve's ends and area", () => {
    fc.assert(
      fc.property(problem, ({ y, s }) => {
        const c = rocCurve(y, s);
        let area = 0;
        for (let i = 1; i < c.fpr.length; i++) {
          area +=
            ((c.fpr[i] as number) - (c.fpr[i - 1] as number)) *
            ((c.tpr[i] as number) + (c.tpr[i - 1] as number));
        }
        near(area / 2, rocAuc(y, s), 1e-12);
        assert.equal(c.fpr[c.fpr.length - 1], 1);
        assert.equal(c.tpr[c.tpr.length - 1], 1);
        const p = prCurve(y, s, { dropIntermediate: true });
        assert.equal(p.recall[p.recall.length - 1], 0);
        assert.equal(p.recall[0], 1);
        for (let i = 1; i < p.recall.length; i++)
          assert.ok((p.recall[i] as number) <= (p.recall[i - 1] as number));
      }),
    );
  });

  it("log loss and Brier score follow their formulas", () => {
    fc.assert(
      fc.property(problem, ({ y, s }) => {
        const p = s.map((v) => 0.01 + 0.98 * v);
        let ll = 0;
        let br = 0;
        for (let i = 0; i < y.length; i++) {
          const q = p[i] as number;
          ll += y[i] === 1 ? -Math.log(q) : -Math.log(1 - q);
          br += (q - (y[i] as number)) ** 2;
        }
        near(logLoss(y, p), ll / y.length, 1e-12);
        near(brierScore(y, p), br / y.length, 1e-12);
      }),
    );
  });

  it("accuracy is the confusion matrix's trace over n, F1 the harmonic mean of P and R", () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 0, max: 20 }), ({ y, s }, t) => {
        const pred = s.map((v) => (v >= t / 20 ? 1 : 0));
        const m = confusionMatrix(y, pred);
        const trace = (m[0]?.[0] ?? 0) + (m[1]?.[1] ?? 0);
        near(accuracy(y, pred), trace / y.length);
        for (const c of classificationScores(y, pred).perClass) {
          const hm =
            c.precision + c.recall === 0 ? 0 : (2 * c.precision * c.recall) / (c.precision + c.recall);
          near(c.f1, hm, 1e-12);
        }
      }),
    );
  });

  it("calibration bins partition the rows", () => {
    fc.assert(
      fc.property(problem, fc.integer({ min: 1, max: 12 }), ({ y, s }, bins) => {
        for (const strategy of ["uniform", "quantile"] as const) {
          const table = calibrationTable(y, s, { bins, strategy });
          assert.equal(table.length, bins);
          assert.equal(
            table.reduce((a, b) => a + b.count, 0),
            y.length,
          );
          const pos = table.reduce((a, b) => a + (b.count > 0 ? b.fractionPositive * b.count : 0), 0);
          near(pos, y.filter((v) => v === 1).length, 1e-9);
        }
      }),
    );
  });
});
