/**
 * The dense SGD pass in WebAssembly (sgd-kernel.wat) and when it stands in for sgd-core.ts's
 * `densePass`: log loss, the "optimal" rate, an L2 penalty, an intercept, no averaging — the
 * defaults, which `partialFit` on a stream of dense rows uses. Its weights are the JavaScript
 * loop's bit for bit (tested); it is ~1.25× faster on the online benchmark, where the JavaScript
 * loop spends about half a row's time on checked, boxed reads of float32 values and weights.
 *
 * A pass copies its rows, labels, visiting order and weights into the kernel's memory and the
 * weights and scale back: a sequential copy costs a few ns a row against the ~200 the pass takes.
 * The memory keeps the size of the largest chunk passed (a 100,000 × 25 chunk: ~11 MB).
 */
import { LOSS_LOG, type LoopConfig, RATE_OPTIMAL, type SgdState } from "./sgd-core.ts";
import { WASM_BASE64 } from "./sgd-kernel-wasm.ts";

// The part of the WebAssembly JavaScript API used here: tsconfig's lib is es2024 without the DOM,
// where TypeScript declares it, and @types/node does not.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    class Memory {
      constructor(descriptor: { initial: number });
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
    class Global {
      value: number;
    }
  }
}

interface KernelExports {
  readonly denseLogPass: (
    x: number,
    y: number,
    order: number,
    n: number,
    cols: number,
    w: number,
    alpha: number,
    optimalInit: number,
    weightPos: number,
    weightNeg: number,
  ) => number;
  readonly wscale: WebAssembly.Global;
  readonly intercept: WebAssembly.Global;
  readonly t: WebAssembly.Global;
}

interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
}

const PAGE = 65_536;
let kernel: Kernel | null = null;

function instance(): Kernel {
  if (kernel === null) {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const module = new WebAssembly.Module(Buffer.from(WASM_BASE64, "base64"));
    const created = new WebAssembly.Instance(module, { math: { exp: Math.exp }, js: { memory } });
    kernel = { memory, exports: created.exports as unknown as KernelExports };
  }
  return kernel;
}

/** Whether the kernel computes `cfg`'s pass; any other configuration runs in sgd-core.ts. */
export function kernelFits(cfg: LoopConfig, withLoss: boolean): boolean {
  return (
    !withLoss &&
    cfg.loss === LOSS_LOG &&
    cfg.rate === RATE_OPTIMAL &&
    cfg.penaltyOn &&
    cfg.l1Ratio === 0 &&
    cfg.average === 0 &&
    cfg.fitIntercept
  );
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * `densePass(cfg, s, x, cols, y, order, false)` for a configuration `kernelFits` accepts: the same
 * weights, scale, intercept and step count in `s`, and the same return value (0, or NaN when a
 * score was not finite).
 */
export function kernelDensePass(
  cfg: LoopConfig,
  s: SgdState,
  x: Float32Array,
  cols: number,
  y: Uint8Array,
  order: Uint32Array,
): number {
  const rows = cols > 0 ? x.length / cols : y.length;
  const at = { x: 0, y: align8(x.byteLength), order: 0, w: 0 };
  at.order = align8(at.y + rows);
  at.w = align8(at.order + 4 * order.length);
  const { memory, exports } = instance();
  const needed = Math.ceil((at.w + 8 * cols) / PAGE);
  const pages = memory.buffer.byteLength / PAGE;
  if (needed > pages) memory.grow(needed - pages);
  const { buffer } = memory;
  new Float32Array(buffer, at.x, x.length).set(x);
  new Uint8Array(buffer, at.y, rows).set(y.subarray(0, rows));
  new Uint32Array(buffer, at.order, order.length).set(order);
  const w = new Float64Array(buffer, at.w, cols);
  w.set(s.w);
  exports.wscale.value = s.wscale;
  exports.intercept.value = s.intercept;
  exports.t.value = s.t;
  const sum = exports.denseLogPass(
    at.x,
    at.y,
    at.order,
    order.length,
    cols,
    at.w,
    cfg.alpha,
    cfg.optimalInit,
    cfg.weightPos,
    cfg.weightNeg,
  );
  s.w.set(w);
  s.wscale = exports.wscale.value;
  s.intercept = exports.intercept.value;
  s.t = exports.t.value;
  return sum;
}
