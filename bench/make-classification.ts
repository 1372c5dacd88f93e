/**
 * A faithful port of scikit-learn 1.2's `make_classification` together with the numpy legacy
 * `RandomState` it draws from (MT19937, polar-method gauss, masked bounded integers, Fisher-Yates
 * shuffle), so `makeClassification({ rows, features, informative, seed })` yields the same rows
 * as `make_classification(n_samples=rows, n_features=features, n_informative=informative,
 * random_state=seed)` (up to the last bit of a float64 dot product): the online benchmark then
 * trains and scores sift on the very rows the scikit-learn peer uses.
 */

/** numpy's legacy RandomState: MT19937 seeded with init_genrand, plus its legacy samplers. */
export class RandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;
  private hasGauss = false;
  private gaussNext = 0;

  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] as number;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = ((mt[i] as number) & 0x80000000) | ((mt[(i + 1) % 624] as number) & 0x7fffffff);
      let v = (mt[(i + 397) % 624] as number) ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.index = 0;
  }

  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** genrand_res53: a double in [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** legacy_gauss: Marsaglia's polar method, caching the second value. */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gaussNext;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gaussNext = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** An integer in [0, max] by masked rejection (numpy's legacy bounded uint32 path). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** In-place Fisher-Yates, numpy's legacy `shuffle` of a 1-d array. */
  shuffle(a: Uint32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i] as number;
      a[i] = a[j] as number;
      a[j] = t;
    }
  }
}

export interface ClassificationOptions {
  readonly rows: number;
  readonly features: number;
  readonly informative: number;
  readonly redundant?: number;
  readonly clustersPerClass?: number;
  readonly flipY?: number;
  readonly classSep?: number;
  readonly seed: number;
}

export interface Classification {
  readonly x: Float32Array;
  readonly y: Uint8Array;
}

/** Distinct random vertices of the informative hypercube (sklearn's `_generate_hypercube`). */
function hypercube(rng: RandomState, clusters: number, dims: number): Float64Array[] {
  const chosen = new Set<number>();
  const out: Float64Array[] = [];
  for (let k = 0; k < clusters; k++) {
    let v = rng.interval(2 ** dims - 1);
    while (chosen.has(v)) v = rng.interval(2 ** dims - 1);
    chosen.add(v);
    out.push(Float64Array.from({ length: dims }, (_, d) => (v >>> (dims - 1 - d)) & 1));
  }
  return out;
}

function uniformMatrix(rng: RandomState, rows: number, cols: number): Float64Array {
  return Float64Array.from({ length: rows * cols }, () => 2 * rng.randomSample() - 1);
}

/** Rows per cluster: equal shares, the remainder spread from the first cluster on. */
function clusterSizes(n: number, clusters: number, perClass: number): number[] {
  const sizes = Array.from({ length: clusters }, () => Math.floor((n * 0.5) / perClass));
  const remainder = n - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < remainder; i++) sizes[i % clusters] = (sizes[i % clusters] as number) + 1;
  return sizes;
}

/** Rows [start, stop) of `m` (width dims) become rows · A + centroid, in place (sklearn's X_k). */
function transformCluster(
  m: Float64Array,
  dims: number,
  start: number,
  stop: number,
  a: Float64Array,
  centroid: Float64Array,
): void {
  const row = new Float64Array(dims);
  for (let r = start; r < stop; r++) {
    for (let c = 0; c < dims; c++) {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += (m[r * dims + i] as number) * (a[i * dims + c] as number);
      row[c] = dot + (centroid[c] as number);
    }
    m.set(row, r * dims);
  }
}

/** Writes informative columns and their redundant combinations (informative · B) into x. */
function writeInformative(
  x: Float32Array,
  features: number,
  inf: Float64Array,
  dims: number,
  b: Float64Array,
  red: number,
): void {
  const n = inf.length / dims;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < dims; c++) x[r * features + c] = inf[r * dims + c] as number;
    for (let c = 0; c < red; c++) {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += (inf[r * dims + i] as number) * (b[i * red + c] as number);
      x[r * features + dims + c] = dot;
    }
  }
}

/** Rows before the final shuffle: clusters of informative, then redundant and useless columns. */
function buildRows(rng: RandomState, o: Required<ClassificationOptions>): Classification {
  const { rows: n, features, informative: dims, redundant: red, classSep } = o;
  const clusters = 2 * o.clustersPerClass;
  const centroids = hypercube(rng, clusters, dims);
  const informative = new Float64Array(n * dims);
  for (let i = 0; i < informative.length; i++) informative[i] = rng.standardNormal();
  const y = new Uint8Array(n);
  const sizes = clusterSizes(n, clusters, o.clustersPerClass);
  let start = 0;
  for (let k = 0; k < clusters; k++) {
    const a = uniformMatrix(rng, dims, dims);
    const centroid = (centroids[k] as Float64Array).map((bit) => bit * 2 * classSep - classSep);
    const stop = start + (sizes[k] as number);
    y.fill(k % 2, start, stop);
    transformCluster(informative, dims, start, stop, a, centroid);
    start = stop;
  }
  const x = new Float32Array(n * features);
  writeInformative(x, features, informative, dims, uniformMatrix(rng, dims, red), red);
  for (let r = 0; r < n; r++) {
    for (let c = dims + red; c < features; c++) x[r * features + c] = rng.standardNormal();
  }
  return { x, y };
}

/** sklearn's flip_y: a share of labels replaced by a random class. */
function flipLabels(rng: RandomState, y: Uint8Array, flipY: number): void {
  const flip: number[] = [];
  for (let i = 0; i < y.length; i++) if (rng.randomSample() < flipY) flip.push(i);
  for (const i of flip) y[i] = rng.interval(1);
}

export function makeClassification(options: ClassificationOptions): Classification {
  const o: Required<ClassificationOptions> = {
    redundant: 2,
    clustersPerClass: 2,
    flipY: 0.01,
    classSep: 1,
    ...options,
  };
  const rng = new RandomState(o.seed);
  const built = buildRows(rng, o);
  flipLabels(rng, built.y, o.flipY);
  const rowOrder = Uint32Array.from({ length: o.rows }, (_, i) => i);
  rng.shuffle(rowOrder);
  const colOrder = Uint32Array.from({ length: o.features }, (_, i) => i);
  rng.shuffle(colOrder);
  const x = new Float32Array(o.rows * o.features);
  const y = new Uint8Array(o.rows);
  for (let r = 0; r < o.rows; r++) {
    const src = (rowOrder[r] as number) * o.features;
    for (let c = 0; c < o.features; c++)
      x[r * o.features + c] = built.x[src + (colOrder[c] as number)] as number;
    y[r] = built.y[rowOrder[r] as number] as number;
  }
  return { x, y };
}
