/**
 * Sparse rows in typed arrays: a reusable one-row buffer for the predict path, and a builder of
 * compressed sparse rows (the `CsrMatrix` shape learn's estimators take).
 */

/** Column-compatible with learn's CsrMatrix (text must not import learn). */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export class RowBuffer {
  indices = new Int32Array(512);
  values = new Float32Array(512);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(index: number, value: number): void {
    if (this.length === this.indices.length) this.reserve(1);
    this.indices[this.length] = index;
    this.values[this.length] = value;
    this.length++;
  }

  /** Makes room for `extra` more entries, so a caller can then write them straight in. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.indices.length) return;
    let cap = this.indices.length * 2;
    while (cap < need) cap *= 2;
    const ni = new Int32Array(cap);
    const nv = new Float32Array(cap);
    ni.set(this.indices.subarray(0, this.length));
    nv.set(this.values.subarray(0, this.length));
    this.indices = ni;
    this.values = nv;
  }
}

/** Scales row entries [start, row.length) to unit l2 or l1 norm; a zero block stays zero. */
export function normaliseBlock(row: RowBuffer, start: number, norm: "l2" | "l1" | "none"): void {
  if (norm === "none") return;
  const values = row.values;
  let sum = 0;
  if (norm === "l1") for (let k = start; k < row.length; k++) sum += Math.abs(values[k] as number);
  else
    for (let k = start; k < row.length; k++) {
      const v = values[k] as number;
      sum += v * v;
    }
  if (sum === 0) return;
  const scale = 1 / (norm === "l2" ? Math.sqrt(sum) : sum);
  for (let k = start; k < row.length; k++) values[k] = (values[k] as number) * scale;
}

/**
 * z + Σ row entries [start, row.length) · coef[index], summed in row order: what scoring the row
 * with a dot product gives, for featurisers without a fused scoring path of their own.
 */
export function dotRow(row: RowBuffer, start: number, coef: Float64Array, z: number): number {
  const { indices, values } = row;
  let sum = z;
  for (let k = start; k < row.length; k++)
    sum += (values[k] as number) * (coef[indices[k] as number] as number);
  return sum;
}

export class CsrBuilder {
  private indptr: number[] = [0];
  private indices = new Int32Array(1024);
  private values = new Float32Array(1024);
  private nnz = 0;

  addRow(row: RowBuffer): void {
    const need = this.nnz + row.length;
    if (need > this.indices.length) {
      let cap = this.indices.length;
      while (cap < need) cap *= 2;
      const ni = new Int32Array(cap);
      const nv = new Float32Array(cap);
      ni.set(this.indices.subarray(0, this.nnz));
      nv.set(this.values.subarray(0, this.nnz));
      this.indices = ni;
      this.values = nv;
    }
    this.indices.set(row.indices.subarray(0, row.length), this.nnz);
    this.values.set(row.values.subarray(0, row.length), this.nnz);
    this.nnz = need;
    this.indptr.push(need);
  }

  build(cols: number): Csr {
    return {
      rows: this.indptr.length - 1,
      cols,
      indptr: Int32Array.from(this.indptr),
      indices: this.indices.slice(0, this.nnz),
      values: this.values.slice(0, this.nnz),
    };
  }
}

/**
 * The rows of `texts` as one CSR matrix with `cols` columns: `addRow` writes one text's entries
 * into a cleared row buffer. Every featuriser's `transform` is this loop around its `addRow`.
 */
export function rowsToCsr(
  texts: readonly string[],
  cols: number,
  addRow: (text: string, row: RowBuffer) => void,
): Csr {
  const row = new RowBuffer();
  const builder = new CsrBuilder();
  for (const text of texts) {
    row.clear();
    addRow(text, row);
    builder.addRow(row);
  }
  return builder.build(cols);
}
