/** SGD's two input shapes (dense row-major and CSR), their checks, and scoring over them. */
import { siftError } from "../errors.ts";
import { densePass, type LoopConfig, type SgdState, sparsePass } from "./sgd-core.ts";
import { kernelDensePass, kernelFits } from "./sgd-kernel.ts";
import type { CsrMatrix, Targets } from "./types.ts";

/** Dense rows: row i is data[i * cols .. (i + 1) * cols). */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export type SgdInput = DenseMatrix | CsrMatrix;

export function isDense(x: SgdInput): x is DenseMatrix {
  return "data" in x;
}

/** Finite check that costs one multiply-add per value: NaN and ±Infinity poison the sum. */
export function allFinite(values: Float32Array, start: number, end: number): boolean {
  let acc = 0;
  for (let i = start; i < end; i++) acc += (values[i] as number) * 0;
  return acc === 0;
}

function checkCsr(owner: string, x: CsrMatrix): void {
  const { indptr, indices, values, rows, cols } = x;
  if (indptr.length !== rows + 1 || indptr[0] !== 0 || indptr[rows] !== indices.length) {
    throw siftError("MODEL_INPUT_INVALID", owner, "the CSR indptr does not match the rows");
  }
  if (values.length !== indices.length)
    throw siftError("MODEL_INPUT_INVALID", owner, "CSR indices and values differ in length");
  for (let i = 0; i < rows; i++) {
    if ((indptr[i + 1] as number) < (indptr[i] as number)) {
      throw siftError("MODEL_INPUT_INVALID", owner, `CSR indptr decreases at row ${i}`);
    }
  }
  for (let e = 0; e < indices.length; e++) {
    const j = indices[e] as number;
    if (j < 0 || j >= cols)
      throw siftError("MODEL_INPUT_INVALID", owner, `feature index ${j} is outside 0..${cols - 1}`);
  }
  if (!allFinite(values, 0, values.length))
    throw siftError("MODEL_INPUT_INVALID", owner, "a feature value is NaN or infinite");
}

function checkTargets(owner: string, rows: number, y: Targets): void {
  if (y.length !== rows)
    throw siftError("MODEL_INPUT_INVALID", owner, `${rows} rows but ${y.length} targets`);
  for (let i = 0; i < y.length; i++) {
    if ((y[i] as number) > 1)
      throw siftError("MODEL_INPUT_INVALID", owner, `target ${i} is ${y[i]}, not 0 or 1`);
  }
}

/** Checks shape, feature count, finiteness and (when given) 0/1 targets. */
export function checkRows(
  owner: string,
  x: SgdInput,
  nFeatures: number,
  y?: Targets,
  denseValuesChecked = false,
): void {
  if (!Number.isInteger(x.rows) || x.rows < 1 || !Number.isInteger(x.cols) || x.cols < 1) {
    throw siftError(
      "MODEL_INPUT_INVALID",
      owner,
      `the input is ${x.rows} × ${x.cols}; it needs at least one row and one feature`,
    );
  }
  if (x.cols !== nFeatures)
    throw siftError("MODEL_INPUT_INVALID", owner, `${x.cols} features, the model has ${nFeatures}`);
  if (isDense(x)) {
    if (x.data.length !== x.rows * x.cols) {
      throw siftError("MODEL_INPUT_INVALID", owner, `${x.data.length} values for ${x.rows} × ${x.cols}`);
    }
    if (!denseValuesChecked && !allFinite(x.data, 0, x.data.length))
      throw siftError("MODEL_INPUT_INVALID", owner, "a feature value is NaN or infinite");
  } else {
    checkCsr(owner, x);
  }
  if (y !== undefined) checkTargets(owner, x.rows, y);
}

export function trainPass(
  cfg: LoopConfig,
  s: SgdState,
  x: SgdInput,
  y: Targets,
  order: Uint32Array,
  withLoss: boolean,
): number {
  if (!isDense(x)) return sparsePass(cfg, s, x.indptr, x.indices, x.values, y, order, withLoss);
  // The defaults' pass runs in WebAssembly (sgd-kernel.ts), with the same result bit for bit.
  return kernelFits(cfg, withLoss)
    ? kernelDensePass(cfg, s, x.data, x.cols, y, order)
    : densePass(cfg, s, x.data, x.cols, y, order, withLoss);
}

/** w·x + b per row. */
export function scoreRows(x: SgdInput, w: Float64Array, b: number): Float64Array {
  const out = new Float64Array(x.rows);
  if (isDense(x)) {
    const { data, cols } = x;
    for (let i = 0; i < x.rows; i++) {
      let dot = 0;
      const off = i * cols;
      for (let j = 0; j < cols; j++) dot += (w[j] as number) * (data[off + j] as number);
      out[i] = dot + b;
    }
    return out;
  }
  const { indptr, indices, values } = x;
  for (let i = 0; i < x.rows; i++) {
    let dot = 0;
    for (let e = indptr[i] as number; e < (indptr[i + 1] as number); e++) {
      dot += (w[indices[e] as number] as number) * (values[e] as number);
    }
    out[i] = dot + b;
  }
  return out;
}
