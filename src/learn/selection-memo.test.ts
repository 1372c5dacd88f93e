import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Estimator } from "./estimator.ts";
import { type FittedBySpec, fitOnce } from "./selection-memo.ts";
import type { ClassifierSpec, CsrMatrix } from "./types.ts";

/** An estimator that counts its fits and remembers which instance was fitted. */
function counting(spec: ClassifierSpec, fits: string[], name: string): Estimator {
  let done = false;
  const self: Estimator = {
    spec,
    get fitted() {
      return done;
    },
    fit() {
      fits.push(name);
      done = true;
      return self;
    },
    predictProbaAll: () => Float64Array.of(0.5, 0.5),
    binaryLinear: () => ({ coef: Float64Array.of(name.length), intercept: 0 }),
  };
  return self;
}

const X = {
  rows: 1,
  cols: 1,
  indptr: Int32Array.of(0, 0),
  indices: new Int32Array(0),
  values: new Float32Array(0),
} as CsrMatrix;
const y = Uint8Array.of(1);

describe("fitOnce", () => {
  it("fits each distinct spec once per map and hands later ones the first fit", () => {
    const fits: string[] = [];
    const cache: FittedBySpec = new Map();
    const a: ClassifierSpec = { kind: "logistic", params: { C: 1 } };
    const b: ClassifierSpec = { kind: "logistic", params: { C: 2 } };
    const first = fitOnce(a, counting(a, fits, "first"), cache).fit(X, y);
    const again = fitOnce(a, counting(a, fits, "again!"), cache).fit(X, y);
    const other = fitOnce(b, counting(b, fits, "other"), cache).fit(X, y);
    assert.deepEqual(fits, ["first", "other"]);
    assert.equal(again.binaryLinear().coef[0], "first".length, "the reused fit's weights");
    assert.equal(again.fitted, true);
    assert.deepEqual(again.spec, a);
    assert.equal(first.fitted && other.fitted, true);
    const fresh = fitOnce(a, counting(a, fits, "fresh"), new Map());
    assert.equal(fresh.fitted, false);
    fresh.fit(X, y);
    assert.deepEqual(fits, ["first", "other", "fresh"], "a new map (another fold) fits again");
  });
});
