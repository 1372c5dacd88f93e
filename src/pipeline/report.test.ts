import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildDriftReference, type ReportData, renderReport } from "./index.ts";

function data(changes: Partial<ReportData> = {}): ReportData {
  return {
    runId: "20300101T000000Z-abcdef",
    modelName: "relevance",
    status: "succeeded",
    startedAt: "2030-01-01T00:00:00.000Z",
    endedAt: "2030-01-01T00:00:05.000Z",
    artifact: "relevance@2",
    promoted: true,
    codeVersion: "deadbeef",
    dataSource: "data.jsonl",
    dataFingerprint: "f".repeat(64),
    threshold: 0.42,
    thresholdRule: "max-f1",
    positiveLabel: "Relevant",
    metrics: { validation: { f1: 0.8 }, test: { f1: 0.75, roc_auc: 0.9, pr_auc: 0.85 } },
    params: { C: 1 },
    rows: { train: 70, validation: 15, test: 15 },
    roc: [
      { x: 0, y: 0 },
      { x: 0.2, y: 0.8 },
      { x: 1, y: 1 },
    ],
    pr: [
      { x: 1, y: 0.5 },
      { x: 0, y: 1 },
    ],
    sweep: [
      { threshold: 0.1, precision: 0.5, recall: 1 },
      { threshold: 0.9, precision: 1, recall: 0.2 },
    ],
    calibration: [
      { predicted: 0.1, observed: 0.15, count: 5 },
      { predicted: 0.5, observed: 0, count: 0 },
    ],
    confusion: { tp: 5, fp: 2, tn: 7, fn: 1 },
    features: {
      positive: [{ feature: "word:fire", weight: 1.2 }],
      negative: [{ feature: "word:lol", weight: -0.8 }],
    },
    falsePositives: [{ text: "<script>alert(1)</script> & fire", score: 0.93 }],
    falseNegatives: [{ text: "flood warning", score: 0.11 }],
    selection: [
      { params: { C: 1 }, score: 0.8 },
      { params: { C: 4 }, score: 0.7 },
    ],
    selectBy: "f1",
    cleaning: { steps: [{ step: "dedupe", rowsIn: 110, rowsOut: 100, counts: { duplicate: 10 } }] },
    gates: [{ gate: "test.precision >= 0.75", passed: false, actual: 0.7, expected: 0.75, detail: "failed" }],
    config: { seed: 42 },
    ...changes,
  };
}

describe("renderReport", () => {
  test("is self-contained: no script, no external resource", () => {
    const html = renderReport(data());
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<link|@import|src=/i);
    // The only URL is the SVG namespace, which is an identifier, not a fetch.
    const urls = [...html.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(urls)], ["http://www.w3.org/2000/svg"]);
  });

  test("draws ROC, PR, threshold and calibration charts and the feature bars", () => {
    const html = renderReport(data());
    for (const title of [
      "ROC (test, AUC 0.9000)",
      "Precision–recall (test, AP 0.8500)",
      "Precision and recall vs threshold (validation)",
      "Calibration (test)",
      "Towards Relevant",
      "Away from Relevant",
    ]) {
      assert.ok(html.includes(`aria-label="${title}"`), `missing chart ${title}`);
    }
    assert.match(html, /threshold 0\.420/);
    assert.match(html, /class="marker"/);
  });

  test("escapes sentences, lists mistakes with their scores, and shows gates and cleaning", () => {
    const html = renderReport(data());
    assert.ok(html.includes("&#60;script&#62;alert(1)&#60;/script&#62; &#38; fire"));
    assert.match(html, /0\.9300<\/td><td>&#60;script/);
    assert.match(html, /0\.1100<\/td><td>flood warning/);
    assert.match(html, /✘ fail<\/td><td>test\.precision &#62;= 0\.75/);
    assert.match(
      html,
      /<td>dedupe<\/td><td class="num">110<\/td><td class="num">100<\/td><td>duplicate: 10<\/td>/,
    );
    assert.match(html, /<td class="cm good" style="--share:0\.333">5/);
  });

  test("empty parts say so instead of drawing nothing", () => {
    const html = renderReport(
      data({ falsePositives: [], features: { positive: [], negative: [] }, selection: [] }),
    );
    assert.match(html, /None\./);
    assert.match(html, /does not expose feature weights/);
    assert.match(html, /No search/);
  });
});

describe("buildDriftReference", () => {
  test("histograms scores and token lengths, ranks vocabulary, counts labels", () => {
    const ref = buildDriftReference({
      trainTexts: ["Fire fire in town", "a quiet day", "Fire!"],
      trainLabels: ["Relevant", "Not Relevant", "Relevant"],
      testTexts: ["one two three", "x"],
      testScores: [0.05, 0.95],
      vocabularySize: 2,
    });
    assert.deepEqual(ref.vocabulary, [
      ["fire", 3],
      ["a", 1],
    ]);
    assert.equal(ref.oovRate, 1 - 4 / 8);
    assert.deepEqual(ref.labelMix, { "Not Relevant": 1, Relevant: 2 });
    assert.deepEqual(ref.score.counts, [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.equal(ref.score.edges.length, 11);
    assert.deepEqual(ref.length.counts.slice(0, 2), [1, 1]);
    assert.equal(
      ref.length.counts.reduce((a, b) => a + b, 0),
      2,
    );
  });
});
