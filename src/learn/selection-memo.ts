/**
 * Fitting an estimator once per CV fold when several candidates share it: a grid over the C of one
 * ensemble member leaves the other members' specs unchanged, and on the same fold's features they
 * would be refitted to the same weights for every candidate.
 */
import type { BinaryLinear, Estimator } from "./estimator.ts";
import type { ClassifierSpec, CsrMatrix, Targets } from "./types.ts";

/** Fitted estimators by spec, for one (X, y) only: the caller keeps one map per fold. */
export type FittedBySpec = Map<string, Estimator>;

class FitOnce implements Estimator {
  private inner: Estimator;
  private readonly key: string;
  private readonly cache: FittedBySpec;

  constructor(inner: Estimator, key: string, cache: FittedBySpec) {
    this.inner = inner;
    this.key = key;
    this.cache = cache;
  }

  get spec(): ClassifierSpec {
    return this.inner.spec;
  }

  get fitted(): boolean {
    return this.inner.fitted;
  }

  fit(X: CsrMatrix, y: Targets): Estimator {
    const done = this.cache.get(this.key);
    if (done !== undefined) this.inner = done;
    else this.cache.set(this.key, this.inner.fit(X, y));
    return this;
  }

  predictProbaAll(X: CsrMatrix): Float64Array {
    return this.inner.predictProbaAll(X);
  }

  binaryLinear(): BinaryLinear {
    return this.inner.binaryLinear();
  }
}

/** `estimator`, fitted only if no estimator of the same spec was fitted on this fold yet. */
export function fitOnce(spec: ClassifierSpec, estimator: Estimator, fitted: FittedBySpec): Estimator {
  return new FitOnce(estimator, JSON.stringify(spec), fitted);
}
