/** Train / validation / test splits and cross-validation folds, on the grouped, stratified core. */
import { siftError } from "../errors.ts";
import { allocateGroups, allocateSample } from "./group-allocation.ts";
import { releaseScratch } from "./scratch.ts";
import type { Split, SplitOptions } from "./types.ts";

export const defaultSplitOptions: SplitOptions = Object.freeze({
  train: 0.7,
  validation: 0.15,
  test: 0.15,
  seed: 42,
});

function checkFractions(options: SplitOptions): void {
  for (const part of ["train", "validation", "test"] as const) {
    const value = options[part];
    if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
      throw siftError("PARAM_INVALID", part, "splitRows", String(value), "a fraction between 0 and 1");
    }
  }
  const sum = options.train + options.validation + options.test;
  if (Math.abs(sum - 1) > 1e-9) {
    throw siftError(
      "PARAM_INVALID",
      "train + validation + test",
      "splitRows",
      String(sum),
      "the fractions must sum to 1",
    );
  }
  if (!Number.isInteger(options.seed)) {
    throw siftError("PARAM_INVALID", "seed", "splitRows", String(options.seed), "an integer");
  }
}

/**
 * Stratified by label, grouped by `key` (duplicates never sit on two sides), seeded. Same rows
 * and seed ⇒ the same split, whatever order the rows come in; within each part rows keep their
 * input order.
 */
export function splitRows<T extends { readonly label: string; readonly key: string }>(
  rows: readonly T[],
  options: Partial<SplitOptions> = {},
): Split<T> {
  const resolved = { ...defaultSplitOptions, ...options };
  checkFractions(resolved);
  const fractions = [resolved.train, resolved.validation, resolved.test];
  const parts = allocateSample(
    { count: rows.length, label: (i) => (rows[i] as T).label, key: (i) => (rows[i] as T).key },
    fractions,
    resolved.seed,
  );
  // Each part is made at its final size: arrays grown by push keep a spare third and copy as they
  // grow (megabytes at a million rows, at the run's peak memory).
  const sizes = new Int32Array(3);
  for (let i = 0; i < rows.length; i++) sizes[parts[i] as number] = (sizes[parts[i] as number] as number) + 1;
  const split = Array.from(sizes, (size) => new Array<T>(size));
  const filled = new Int32Array(3);
  for (let i = 0; i < rows.length; i++) {
    const part = parts[i] as number;
    const at = filled[part] as number;
    (split[part] as T[])[at] = rows[i] as T;
    filled[part] = at + 1;
  }
  releaseScratch(parts);
  return { train: split[0] as T[], validation: split[1] as T[], test: split[2] as T[] };
}

/** Fold id (0 … k-1) per row: stratified by label, grouped by `groups`, seeded. */
export function assignFolds(
  labels: readonly string[],
  groups: readonly string[],
  k: number,
  seed: number,
): Int32Array {
  if (!Number.isInteger(k) || k < 2)
    throw siftError("PARAM_INVALID", "k", "assignFolds", String(k), "an integer ≥ 2");
  if (groups.length !== labels.length) {
    throw siftError(
      "PARAM_INVALID",
      "groups",
      "assignFolds",
      `${groups.length} long`,
      `one per label (${labels.length})`,
    );
  }
  if (!Number.isInteger(seed))
    throw siftError("PARAM_INVALID", "seed", "assignFolds", String(seed), "an integer");
  return allocateGroups(labels, groups, new Array<number>(k).fill(1 / k), seed);
}
