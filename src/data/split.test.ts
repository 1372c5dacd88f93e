import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { assignFolds, type CleanRow, fingerprint, NOT_RELEVANT, RELEVANT, splitRows } from "./index.ts";

type Row = Pick<CleanRow, "label" | "key">;

const labels = fc.constantFrom(RELEVANT, NOT_RELEVANT);
/** Rows with many duplicates: keys from a small alphabet. */
const groupedRows = fc.array(
  fc.record({ label: labels, key: fc.string({ maxLength: 2, unit: fc.constantFrom("a", "b", "c", "d") }) }),
  {
    maxLength: 300,
  },
);
/** Deduplicated rows: every key once. */
const uniqueRows = fc.uniqueArray(
  fc.record({ label: labels, key: fc.string({ minLength: 1, maxLength: 12 }) }),
  {
    selector: (r) => r.key,
    maxLength: 400,
  },
);
const fractions = fc
  .tuple(fc.integer({ min: 1, max: 98 }), fc.integer({ min: 1, max: 98 }))
  .filter(([a, b]) => a + b < 100)
  .map(([a, b]) => ({ train: a / 100, validation: b / 100, test: (100 - a - b) / 100 }));

function sideOf(split: {
  train: readonly Row[];
  validation: readonly Row[];
  test: readonly Row[];
}): Map<string, Set<string>> {
  const sides = new Map<string, Set<string>>();
  for (const [name, rows] of Object.entries(split)) {
    for (const row of rows) {
      const set = sides.get(row.key) ?? new Set<string>();
      set.add(name);
      sides.set(row.key, set);
    }
  }
  return sides;
}

describe("splitRows", () => {
  test("no group ever sits on two sides", () => {
    fc.assert(
      fc.property(groupedRows, fractions, fc.integer(), (rows, f, seed) => {
        const split = splitRows(rows, { ...f, seed });
        assert.equal(split.train.length + split.validation.length + split.test.length, rows.length);
        for (const [key, sides] of sideOf(split))
          assert.equal(sides.size, 1, `group ${JSON.stringify(key)} on ${[...sides]}`);
      }),
    );
  });

  test("per-class proportions are within one row of exact", () => {
    fc.assert(
      fc.property(uniqueRows, fractions, fc.integer(), (rows, f, seed) => {
        const split = splitRows(rows, { ...f, seed });
        for (const label of [RELEVANT, NOT_RELEVANT]) {
          const n = rows.filter((r) => r.label === label).length;
          for (const part of ["train", "validation", "test"] as const) {
            const got = split[part].filter((r) => r.label === label).length;
            assert.ok(Math.abs(got - n * f[part]) <= 1, `${label} ${part}: ${got} vs ${n * f[part]}`);
          }
        }
      }),
    );
  });

  test("deterministic: same rows and seed give the same split, whatever their order", () => {
    fc.assert(
      fc.property(uniqueRows, fc.integer(), (rows, seed) => {
        const a = splitRows(rows, { seed });
        const b = splitRows([...rows].reverse(), { seed });
        for (const part of ["train", "validation", "test"] as const) {
          assert.deepEqual(new Set(a[part].map((r) => r.key)), new Set(b[part].map((r) => r.key)));
        }
        assert.deepEqual(splitRows(rows, { seed }), a);
      }),
    );
  });

  test("different seeds give different splits", () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      key: `sentence ${i}`,
      label: i % 3 === 0 ? RELEVANT : NOT_RELEVANT,
    }));
    assert.notDeepEqual(splitRows(rows, { seed: 1 }).test, splitRows(rows, { seed: 2 }).test);
  });

  test("defaults to 70/15/15", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      key: `k${i}`,
      label: i % 2 === 0 ? RELEVANT : NOT_RELEVANT,
    }));
    const split = splitRows(rows);
    assert.deepEqual([split.train.length, split.validation.length, split.test.length], [700, 150, 150]);
  });

  test("bad fractions and seeds are rejected", () => {
    const isParam = (e: Error & { code?: string }) => e.code === "PARAM_INVALID";
    assert.throws(() => splitRows([], { train: 0.8, validation: 0.15, test: 0.15 }), isParam);
    assert.throws(() => splitRows([], { train: -0.1, validation: 0.6, test: 0.5 }), isParam);
    assert.throws(() => splitRows([], { seed: 1.5 }), isParam);
  });
});

describe("assignFolds", () => {
  test("stratified, grouped folds of near-equal size", () => {
    fc.assert(
      fc.property(uniqueRows, fc.integer({ min: 2, max: 10 }), fc.integer(), (rows, k, seed) => {
        const folds = assignFolds(
          rows.map((r) => r.label),
          rows.map((r) => r.key),
          k,
          seed,
        );
        for (const label of [RELEVANT, NOT_RELEVANT]) {
          const counts = new Array<number>(k).fill(0);
          rows.forEach((r, i) => {
            if (r.label === label) counts[folds[i] as number] = (counts[folds[i] as number] ?? 0) + 1;
          });
          assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `${label}: ${counts}`);
        }
      }),
    );
  });
  test("rows of one group share a fold", () => {
    const folds = assignFolds([RELEVANT, NOT_RELEVANT, RELEVANT, NOT_RELEVANT], ["a", "a", "b", "b"], 2, 7);
    assert.equal(folds[0], folds[1]);
    assert.equal(folds[2], folds[3]);
  });
  test("more than 256 labels or folds (ids beyond a byte) are kept apart", () => {
    // 300 labels of two rows each, two folds: every label has one row in each fold.
    const labels = Array.from({ length: 600 }, (_, i) => `label ${i >> 1}`);
    const groups = labels.map((_, i) => `text ${i}`);
    const twoFolds = assignFolds(labels, groups, 2, 1);
    for (let i = 0; i < 600; i += 2) assert.notEqual(twoFolds[i], twoFolds[i + 1], labels[i]);
    // One label, 600 rows, 300 folds: two rows in each fold.
    const manyFolds = assignFolds(new Array<string>(600).fill("x"), groups, 300, 1);
    const sizes = new Array<number>(300).fill(0);
    for (const fold of manyFolds) sizes[fold] = (sizes[fold] ?? 0) + 1;
    assert.deepEqual(sizes, new Array<number>(300).fill(2));
  });

  test("bad k, seed or groups are rejected", () => {
    const isParam = (e: Error & { code?: string }) => e.code === "PARAM_INVALID";
    assert.throws(() => assignFolds(["a"], ["a"], 1, 0), isParam);
    assert.throws(() => assignFolds(["a"], ["a"], 2.5, 0), isParam);
    assert.throws(() => assignFolds(["a"], [], 2, 0), isParam);
    assert.throws(() => assignFolds(["a"], ["a"], 2, 0.5), isParam);
  });
});

describe("fingerprint", () => {
  const rows = [
    { key: "b", text: "B", label: RELEVANT },
    { key: "a", text: "A", label: NOT_RELEVANT },
  ] as const;
  test("does not depend on row order", () =>
    assert.equal(fingerprint(rows), fingerprint([...rows].reverse())));
  test("changes when a label or a text changes", () => {
    assert.notEqual(fingerprint(rows), fingerprint([{ ...rows[0], label: NOT_RELEVANT }, rows[1]]));
    assert.notEqual(fingerprint(rows), fingerprint([{ ...rows[0], text: "B!" }, rows[1]]));
  });
  test("is a sha256 in hex", () => assert.match(fingerprint(rows), /^[0-9a-f]{64}$/));
});
