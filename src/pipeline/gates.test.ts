import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultConfig, evaluateGates } from "./index.ts";

const gates = defaultConfig().gates;

describe("evaluateGates", () => {
  test("default gates pass on good metrics with no champion", () => {
    const results = evaluateGates(gates, { precision: 0.8, recall: 0.75, f1: 0.77 }, null);
    assert.deepEqual(
      results.map((r) => [r.gate, r.passed]),
      [
        ["test.precision >= 0.75", true],
        ["test.recall >= 0.7", true],
        ["champion f1 (tolerance 0.01)", true],
      ],
    );
    assert.equal(results[2]?.detail, "no production model yet");
  });

  test("a metric below its bound fails and says by how much", () => {
    const results = evaluateGates(gates, { precision: 0.7, recall: 0.75, f1: 0.72 }, null);
    assert.equal(results[0]?.passed, false);
    assert.equal(results[0]?.actual, 0.7);
    assert.equal(results[0]?.expected, 0.75);
    assert.equal(results[0]?.detail, "test.precision >= 0.75: failed with 0.7000");
  });

  test("a max bound fails above it", () => {
    const results = evaluateGates(
      { ...gates, metrics: [{ metric: "log_loss", max: 0.5 }], champion: false },
      { log_loss: 0.6 },
      null,
    );
    assert.deepEqual(
      results.map((r) => r.passed),
      [false],
    );
  });

  test("a missing or NaN metric fails its gate", () => {
    const results = evaluateGates({ ...gates, champion: false }, { precision: Number.NaN }, null);
    assert.deepEqual(
      results.map((r) => [r.passed, r.actual]),
      [
        [false, null],
        [false, null],
      ],
    );
  });

  test("champion: within tolerance passes, beyond it fails", () => {
    const only = { ...gates, metrics: [] };
    assert.equal(evaluateGates(only, { f1: 0.791 }, { version: 3, value: 0.8 })[0]?.passed, true);
    assert.equal(evaluateGates(only, { f1: 0.79 }, { version: 3, value: 0.8 })[0]?.passed, true);
    const worse = evaluateGates(only, { f1: 0.78 }, { version: 3, value: 0.8 })[0];
    assert.equal(worse?.passed, false);
    assert.match(
      worse?.detail ?? "",
      /candidate f1 0\.7800 vs production v3 0\.8000: worse by more than the tolerance/,
    );
  });

  test("champion on a loss: lower is better", () => {
    const only = { ...gates, metrics: [], championMetric: "log_loss" as const };
    assert.equal(evaluateGates(only, { log_loss: 0.4 }, { version: 1, value: 0.45 })[0]?.passed, true);
    assert.equal(evaluateGates(only, { log_loss: 0.5 }, { version: 1, value: 0.45 })[0]?.passed, false);
  });

  test("champion on the unseen rows: the candidate's value on those rows is compared, and the rows are named", () => {
    const only = { ...gates, metrics: [] };
    const [result] = evaluateGates(
      only,
      { f1: 0.5 },
      { version: 2, value: 0.8, candidate: 0.81, rows: "87 of 165 test rows production v2 never saw" },
    );
    assert.equal(result?.passed, true);
    assert.equal(result?.actual, 0.81);
    assert.equal(
      result?.detail,
      "candidate f1 0.8100 vs production v2 0.8000 on 87 of 165 test rows production v2 never saw: not worse beyond tolerance",
    );
  });

  test("champion not compared (too few unseen rows): passes and says why", () => {
    const only = { ...gates, metrics: [] };
    const [result] = evaluateGates(
      only,
      { f1: 0.2 },
      { version: 4, skipped: "not compared with production v4: only 3 rows" },
    );
    assert.deepEqual(
      [result?.passed, result?.actual, result?.expected, result?.detail],
      [true, 0.2, null, "not compared with production v4: only 3 rows"],
    );
  });

  test("champion within sampling noise: worse as observed, passes when the interval reaches the tolerance", () => {
    const only = { ...gates, metrics: [] };
    const noisy = { version: 1, value: 0.8, candidate: 0.77, difference: { low: -0.1, high: 0.02 } };
    const [passed] = evaluateGates(only, {}, noisy);
    assert.equal(passed?.passed, true);
    assert.match(
      passed?.detail ?? "",
      /worse beyond tolerance as observed, but within sampling noise \(90% interval of the difference -0\.1000 to \+0\.0200\)/,
    );
    const [failed] = evaluateGates(only, {}, { ...noisy, difference: { low: -0.1, high: -0.011 } });
    assert.equal(failed?.passed, false);
    assert.match(failed?.detail ?? "", /worse by more than the tolerance$/);
  });

  test("champion within sampling noise on a loss: the interval's low edge counts", () => {
    const only = { ...gates, metrics: [], championMetric: "log_loss" as const };
    const champion = { version: 1, value: 0.4, candidate: 0.45 };
    assert.equal(
      evaluateGates(only, {}, { ...champion, difference: { low: 0.005, high: 0.1 } })[0]?.passed,
      true,
    );
    assert.equal(
      evaluateGates(only, {}, { ...champion, difference: { low: 0.02, high: 0.1 } })[0]?.passed,
      false,
    );
  });

  test("champion off: no champion gate", () => {
    assert.equal(evaluateGates({ ...gates, champion: false }, { precision: 1, recall: 1 }, null).length, 2);
  });
});
