/**
 * Limited-memory BFGS for smooth convex objectives (Nocedal & Wright, algorithm 7.4 and 7.5),
 * with a backtracking Armijo line search started at the unit step. The stated tolerance is the
 * largest gradient component: the solver stops when max|∂f/∂x_i| ≤ tol (scipy's `pgtol`, which
 * scikit-learn's lbfgs solver passes its `tol` to), or when f stops decreasing to machine
 * precision, or after maxIter iterations — and says which.
 */

/** Writes ∇f(x) into `grad` and returns f(x). */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  readonly tol: number;
  readonly maxIter: number;
  /** Number of correction pairs kept. */
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly gradMax: number;
  readonly stop: "gradient" | "no-progress" | "max-iter";
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i] as number);
    if (v > m) m = v;
  }
  return m;
}

/** Two-loop recursion: direction = −H·g from the stored pairs (newest last). */
function direction(
  g: Float64Array,
  s: Float64Array[],
  y: Float64Array[],
  rho: number[],
  out: Float64Array,
): void {
  out.set(g);
  const k = s.length;
  const alpha = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    const si = s[i] as Float64Array;
    const yi = y[i] as Float64Array;
    const a = (rho[i] as number) * dot(si, out);
    alpha[i] = a;
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) - a * (yi[j] as number);
  }
  if (k > 0) {
    const sl = s[k - 1] as Float64Array;
    const yl = y[k - 1] as Float64Array;
    const gamma = dot(sl, yl) / dot(yl, yl);
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) * gamma;
  }
  for (let i = 0; i < k; i++) {
    const si = s[i] as Float64Array;
    const yi = y[i] as Float64Array;
    const b = (rho[i] as number) * dot(yi, out);
    const a = alpha[i] as number;
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) + (a - b) * (si[j] as number);
  }
  for (let j = 0; j < out.length; j++) out[j] = -(out[j] as number);
}

interface Step {
  readonly f: number;
  readonly ok: boolean;
}

/** Backtracking with Armijo's sufficient decrease; xNew/gNew receive the accepted point. */
function lineSearch(
  fg: Objective,
  x: Float64Array,
  f: number,
  g: Float64Array,
  d: Float64Array,
  initial: number,
  xNew: Float64Array,
  gNew: Float64Array,
): Step {
  const slope = dot(g, d);
  let t = initial;
  for (let tries = 0; tries < 60; tries++) {
    for (let j = 0; j < x.length; j++) xNew[j] = (x[j] as number) + t * (d[j] as number);
    const fNew = fg(xNew, gNew);
    if (Number.isFinite(fNew) && fNew <= f + 1e-4 * t * slope) return { f: fNew, ok: true };
    t *= 0.5;
  }
  return { f, ok: false };
}

interface Memory {
  readonly s: Float64Array[];
  readonly y: Float64Array[];
  readonly rho: number[];
  readonly memory: number;
}

/** Stores the newest correction pair, dropping the oldest when full. */
function remember(m: Memory, x: Float64Array, xNew: Float64Array, g: Float64Array, gNew: Float64Array): void {
  const n = x.length;
  const sk = new Float64Array(n);
  const yk = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    sk[j] = (xNew[j] as number) - (x[j] as number);
    yk[j] = (gNew[j] as number) - (g[j] as number);
  }
  const sy = dot(sk, yk);
  // Skip pairs without positive curvature: they would break the positive-definite update.
  if (sy <= 1e-12 * dot(yk, yk)) return;
  if (m.s.length === m.memory) {
    m.s.shift();
    m.y.shift();
    m.rho.shift();
  }
  m.s.push(sk);
  m.y.push(yk);
  m.rho.push(1 / sy);
}

export function minimizeLbfgs(fg: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const memory = options.memory ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  let xNew = new Float64Array(n);
  let gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  let iterations = 0;
  while (iterations < options.maxIter) {
    const gradMax = maxAbs(g);
    if (gradMax <= options.tol) return { x, f, iterations, gradMax, stop: "gradient" };
    direction(g, s, y, rho, d);
    // The first step has no curvature information: scale it to a unit move.
    const initial = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
    const step = lineSearch(fg, x, f, g, d, initial, xNew, gNew);
    iterations++;
    if (!step.ok) return { x, f, iterations, gradMax, stop: "no-progress" };
    remember({ s, y, rho, memory }, x, xNew, g, gNew);
    const previous = f;
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    f = step.f;
    if ((previous - f) / Math.max(Math.abs(previous), Math.abs(f), 1) <= 1e-15) {
      return { x, f, iterations, gradMax: maxAbs(g), stop: "no-progress" };
    }
  }
  return { x, f, iterations, gradMax: maxAbs(g), stop: "max-iter" };
}
