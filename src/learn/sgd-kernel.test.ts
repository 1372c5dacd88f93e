/**
 * The WebAssembly dense pass against the JavaScript one it stands in for: the same weights, scale,
 * intercept and step count, bit for bit, on random rows, labels, orders, class weights and
 * learning-rate offsets; NaN reported the same way; the committed bytes assembled from the .wat.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { kernelModule } from "../../scripts/build-wasm.ts";
import {
  densePass,
  LOSS_HINGE,
  LOSS_LOG,
  type LoopConfig,
  RATE_CONSTANT,
  RATE_OPTIMAL,
  SgdState,
} from "./sgd-core.ts";
import { kernelDensePass, kernelFits } from "./sgd-kernel.ts";

const base: LoopConfig = {
  loss: LOSS_LOG,
  rate: RATE_OPTIMAL,
  alpha: 0.0001,
  l1Ratio: 0,
  penaltyOn: true,
  eta0: 0,
  powerT: 0.5,
  fitIntercept: true,
  average: 0,
  weightNeg: 1,
  weightPos: 1,
  optimalInit: 1 / (0.01 * 0.0001),
};

/** A state part-way through training, so both passes start from non-trivial weights. */
function startState(cols: number, seed: number, wscale: number): SgdState {
  const s = new SgdState(cols, false, 0);
  for (let j = 0; j < cols; j++) s.w[j] = Math.sin(seed + j) * 0.5;
  s.wscale = wscale;
  s.intercept = Math.cos(seed) * 0.1;
  s.t = 1 + (seed % 1000);
  return s;
}

function bothPasses(
  cfg: LoopConfig,
  x: Float32Array,
  cols: number,
  y: Uint8Array,
  order: Uint32Array,
  seed: number,
  wscale = 1,
) {
  const js = startState(cols, seed, wscale);
  const wasm = startState(cols, seed, wscale);
  const jsSum = densePass(cfg, js, x, cols, y, order, false);
  const wasmSum = kernelDensePass(cfg, wasm, x, cols, y, order);
  return { js, wasm, jsSum, wasmSum };
}

function assertSame(a: SgdState, b: SgdState): void {
  assert.deepEqual([...b.w], [...a.w]);
  assert.ok(Object.is(b.wscale, a.wscale), `wscale ${b.wscale} vs ${a.wscale}`);
  assert.ok(Object.is(b.intercept, a.intercept), `intercept ${b.intercept} vs ${a.intercept}`);
  assert.equal(b.t, a.t);
}

describe("the WebAssembly dense SGD pass", () => {
  it("is assembled from sgd-kernel.wat as committed (run node scripts/build-wasm.ts after editing it)", async () => {
    const committed = readFileSync(new URL("./sgd-kernel-wasm.ts", import.meta.url), "utf8");
    assert.equal(committed, await kernelModule("src/learn/sgd-kernel.wat"));
  });

  it("takes only the configuration it implements", () => {
    assert.ok(kernelFits(base, false));
    assert.ok(!kernelFits(base, true), "a pass that sums the loss");
    for (const other of [
      { loss: LOSS_HINGE },
      { rate: RATE_CONSTANT },
      { penaltyOn: false },
      { l1Ratio: 0.15 },
      { average: 1 },
      { fitIntercept: false },
    ])
      assert.ok(!kernelFits({ ...base, ...other }, false), JSON.stringify(other));
  });

  it("leaves the weights, scale, intercept and step count of the JavaScript pass, bit for bit (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(0.0001, 0.001, 0.05),
        fc.constantFrom([1, 1], [0.3, 2.5], [4, 0.5]),
        fc.boolean(),
        (cols, rows, seed, alpha, [weightNeg, weightPos], scaled) => {
          let state = seed || 1;
          const next = () => {
            state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
            return state / 4_294_967_296;
          };
          const x = Float32Array.from({ length: rows * cols }, () => (next() - 0.5) * 6);
          const y = Uint8Array.from({ length: rows }, () => (next() < 0.4 ? 1 : 0));
          const order = Uint32Array.from({ length: rows }, (_, i) => i);
          for (let i = rows - 1; i > 0; i--) {
            const j = Math.floor(next() * (i + 1));
            [order[i], order[j]] = [order[j] as number, order[i] as number];
          }
          const cfg = { ...base, alpha, weightNeg, weightPos, optimalInit: 1 / (alpha * (0.5 + next())) };
          // A scale just above 1e-9 makes the first shrink fold it into the weights.
          const { js, wasm, jsSum, wasmSum } = bothPasses(cfg, x, cols, y, order, seed, scaled ? 1.5e-9 : 1);
          assertSame(js, wasm);
          assert.ok(Object.is(wasmSum, jsSum));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reports a non-finite value as NaN, as the JavaScript pass does", () => {
    const x = Float32Array.of(1, 2, Number.NaN, 4, 5, 6);
    const { jsSum, wasmSum } = bothPasses(base, x, 2, Uint8Array.of(1, 0, 1), Uint32Array.of(2, 0, 1), 7);
    assert.ok(Number.isNaN(jsSum) && Number.isNaN(wasmSum));
  });

  it("grows its memory for a larger chunk and keeps working on a smaller one after", () => {
    for (const rows of [50_000, 10]) {
      const cols = 25;
      const x = Float32Array.from({ length: rows * cols }, (_, i) => Math.sin(i));
      const y = Uint8Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 0));
      const order = Uint32Array.from({ length: rows }, (_, i) => (i * 7) % rows);
      const { js, wasm } = bothPasses(base, x, cols, y, order, rows);
      assertSame(js, wasm);
    }
  });
});
