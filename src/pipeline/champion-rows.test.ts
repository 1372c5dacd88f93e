import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { binaryReport } from "../learn/index.ts";
import { bootstrapDifference, metricOf } from "./champion-noise.ts";
import { chooseChampionRows, MIN_ROWS_PER_CLASS } from "./champion-rows.ts";
import { METRIC_NAMES } from "./index.ts";
import { decodeSeenKeys, encodeSeenKeys, hasHash, keyHash, mergeSeenKeys } from "./seen-keys.ts";

const keys = (n: number, prefix = "row") => Array.from({ length: n }, (_, i) => `${prefix} ${i}`);
const alternating = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 2);

describe("seen keys", () => {
  test("sorted distinct 64-bit hashes, the same bytes whatever the order or duplicates", () => {
    const a = encodeSeenKeys(["b", "a", "c", "a"]);
    const b = encodeSeenKeys(["c", "b", "a"]);
    assert.equal(a.byteLength, 24);
    assert.deepEqual(a, b);
    const decoded = decodeSeenKeys(a);
    assert.ok(decoded);
    assert.deepEqual(
      [...decoded],
      [keyHash("a"), keyHash("b"), keyHash("c")].sort((x, y) => (x < y ? -1 : 1)),
    );
    for (const key of ["a", "b", "c"]) assert.equal(hasHash(decoded, keyHash(key)), true);
    assert.equal(hasHash(decoded, keyHash("d")), false);
    assert.equal(hasHash(new BigUint64Array(0), keyHash("a")), false);
  });

  test("bytes that are not a seen-keys file decode to null", () => {
    assert.equal(decodeSeenKeys(new Uint8Array(7)), null, "not whole entries");
    const unsorted = new Uint8Array(16);
    new DataView(unsorted.buffer).setBigUint64(0, 5n, true);
    new DataView(unsorted.buffer).setBigUint64(8, 3n, true);
    assert.equal(decodeSeenKeys(unsorted), null, "not ascending");
    assert.equal(decodeSeenKeys(new Uint8Array(16)), null, "a repeated entry");
    assert.deepEqual(decodeSeenKeys(new Uint8Array(0)), new BigUint64Array(0));
  });

  test("merging adds keys to a file once each, and refuses a base that is not one", () => {
    const merged = mergeSeenKeys(encodeSeenKeys(["a", "b"]), ["b", "c", "c"]);
    assert.deepEqual(merged, encodeSeenKeys(["a", "b", "c"]));
    assert.equal(mergeSeenKeys(new Uint8Array(7), ["a"]), null);
  });
});

describe("chooseChampionRows", () => {
  test("keeps exactly the test rows whose key the champion did not see, in order", () => {
    const test = keys(100);
    const seen = decodeSeenKeys(encodeSeenKeys([...test.filter((_, i) => i % 3 === 0), "other"]));
    const choice = chooseChampionRows({ keys: test, y: alternating(100), seen, minRows: 30 });
    assert.equal(choice.kind, "unseen");
    if (choice.kind !== "unseen") return;
    assert.equal(choice.total, 100);
    assert.deepEqual(
      [...choice.indices],
      test.map((_, i) => i).filter((i) => i % 3 !== 0),
    );
  });

  test("no record of what the champion saw (older artifact): every row", () => {
    assert.deepEqual(chooseChampionRows({ keys: keys(10), y: alternating(10), seen: null, minRows: 30 }), {
      kind: "all",
      total: 10,
    });
  });

  test("fewer unseen rows than the minimum: too few, with the counts", () => {
    const test = keys(50);
    const seen = decodeSeenKeys(encodeSeenKeys(test.slice(0, 25)));
    const choice = chooseChampionRows({ keys: test, y: alternating(50), seen, minRows: 30 });
    assert.deepEqual(choice, { kind: "too-few", total: 50, rows: 25, positives: 13 });
    assert.equal(chooseChampionRows({ keys: test, y: alternating(50), seen, minRows: 25 }).kind, "unseen");
  });

  test("enough rows but too few of one class: too few", () => {
    const y = new Uint8Array(40);
    for (let i = 0; i < MIN_ROWS_PER_CLASS - 1; i++) y[i] = 1;
    const seen = decodeSeenKeys(encodeSeenKeys([]));
    const choice = chooseChampionRows({ keys: keys(40), y, seen, minRows: 30 });
    assert.deepEqual(choice, { kind: "too-few", total: 40, rows: 40, positives: MIN_ROWS_PER_CLASS - 1 });
    y[MIN_ROWS_PER_CLASS] = 1;
    assert.equal(chooseChampionRows({ keys: keys(40), y, seen, minRows: 30 }).kind, "unseen");
  });

  test("a champion that saw every test row leaves none", () => {
    const test = keys(40);
    const seen = decodeSeenKeys(encodeSeenKeys(test));
    assert.equal(chooseChampionRows({ keys: test, y: alternating(40), seen, minRows: 1 }).kind, "too-few");
  });
});

describe("bootstrapDifference", () => {
  const y = alternating(80);
  const good = Float64Array.from(y, (v, i) => (v === 1 ? 0.6 + (i % 7) / 20 : 0.4 - (i % 5) / 20));

  test("the same scores on both sides: a zero interval", () => {
    const same = { scores: good, threshold: 0.5 };
    assert.deepEqual(bootstrapDifference({ y, candidate: same, champion: same, metric: "f1", seed: 1 }), {
      low: 0,
      high: 0,
    });
  });

  test("seeded and ordered: low ≤ high, the same for the same seed, wide for a noisy pair", () => {
    const flipped = good.map((s, i) => (i % 9 === 0 ? 1 - s : s));
    const input = {
      y,
      candidate: { scores: flipped, threshold: 0.5 },
      champion: { scores: good, threshold: 0.5 },
      metric: "f1",
      seed: 3,
    };
    const a = bootstrapDifference(input);
    assert.ok(a && a.low <= a.high && a.high <= 0 && a.low < -0.05, JSON.stringify(a));
    assert.deepEqual(bootstrapDifference(input), a);
  });

  test("each metric computed alone equals learn's binaryReport", () => {
    const scores = Float64Array.from(y, (v, i) => ((i * 37) % 100) / 100 / 2 + v * 0.4);
    const report = binaryReport(y, scores, 0.45).metrics;
    for (const metric of METRIC_NAMES) {
      assert.equal(metricOf(metric, y, scores, 0.45), report[metric], metric);
    }
    const oneClass = new Uint8Array(10);
    assert.ok(Number.isNaN(metricOf("roc_auc", oneClass, new Float64Array(10), 0.5)));
    assert.ok(Number.isNaN(metricOf("pr_auc", oneClass, new Float64Array(10), 0.5)));
  });

  test("no rows: no interval", () => {
    const none = { scores: new Float64Array(0), threshold: 0.5 };
    assert.equal(
      bootstrapDifference({ y: new Uint8Array(0), candidate: none, champion: none, metric: "f1", seed: 1 }),
      null,
    );
  });
});
