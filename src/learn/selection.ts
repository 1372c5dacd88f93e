/**
 * Model selection on training data only: cross-validation over precomputed fold ids (the
 * pipeline computes grouped, stratified folds in src/data) and grid search over a declared
 * space, with folds × candidates fitted in parallel on worker threads. Every fit gets the same
 * seed and results are placed by task, so the outcome does not depend on scheduling.
 */
import { siftError } from "../errors.ts";
import { binaryReport } from "./metrics-report.ts";
import { runTasks } from "./selection-pool.ts";
import { type Candidate, candidatesOf, type SearchSpace, specFor } from "./selection-spec.ts";
import type { SelectionData, Task } from "./selection-task.ts";
import type { ClassifierSpec, Targets } from "./types.ts";

export interface SelectionOptions {
  /** binaryReport metric that ranks candidates (default "roc_auc"); log_loss and brier rank lowest first. */
  readonly metric?: string;
  /** Threshold for threshold-dependent metrics such as f1 (default 0.5). */
  readonly threshold?: number;
  /** Worker threads (default 2, both cores); 0 runs in this thread. */
  readonly workers?: number;
  /** Seed every fit receives (default 0). */
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface FoldScores {
  readonly fold: number;
  readonly rows: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface CrossValidation {
  /** Out-of-fold P(positive) per row: each row scored by the model that did not see it. */
  readonly oof: Float64Array;
  readonly folds: readonly FoldScores[];
  /** Mean of each metric over folds. */
  readonly mean: Readonly<Record<string, number>>;
}

export interface CandidateResult {
  readonly params: Candidate;
  readonly spec: ClassifierSpec;
  /** Mean of the ranking metric over folds, and its standard deviation. */
  readonly score: number;
  readonly std: number;
  readonly cv: CrossValidation;
}

export interface GridSearchResult {
  readonly metric: string;
  /** Candidates in the space's order. */
  readonly candidates: readonly CandidateResult[];
  /** Best by mean score; ties go to the earlier candidate. */
  readonly best: CandidateResult;
}

const LOWER_IS_BETTER = new Set(["log_loss", "brier"]);

function foldCount(texts: readonly string[], y: Targets, folds: Int32Array): number {
  if (texts.length !== y.length || folds.length !== y.length) {
    throw siftError(
      "SELECTION_INVALID",
      `${texts.length} texts, ${y.length} targets and ${folds.length} fold ids differ`,
    );
  }
  let k = 0;
  for (let i = 0; i < folds.length; i++) {
    const f = folds[i] as number;
    if (f < 0) throw siftError("SELECTION_INVALID", `row ${i} has fold id ${f}; fold ids are 0, 1, 2, …`);
    k = Math.max(k, f + 1);
  }
  if (k < 2) throw siftError("SELECTION_INVALID", "cross-validation needs at least 2 folds");
  const sizes = new Int32Array(k);
  for (let i = 0; i < folds.length; i++) {
    const f = folds[i] as number;
    sizes[f] = (sizes[f] as number) + 1;
  }
  const empty = sizes.indexOf(0);
  if (empty >= 0) throw siftError("SELECTION_INVALID", `fold ${empty} has no rows`);
  return k;
}

function metricName(options: SelectionOptions): string {
  const metric = options.metric ?? "roc_auc";
  const known = Object.keys(binaryReport([0, 1], [0.2, 0.8], 0.5).metrics);
  if (!known.includes(metric)) {
    throw siftError(
      "SELECTION_INVALID",
      `unknown metric ${JSON.stringify(metric)} (known: ${known.join(", ")})`,
    );
  }
  return metric;
}

/** Gathers fold scores into out-of-fold scores and per-fold metrics. */
function assemble(
  y: Targets,
  folds: Int32Array,
  k: number,
  scores: readonly Float64Array[],
  threshold: number,
): CrossValidation {
  const oof = new Float64Array(y.length);
  const perFold: FoldScores[] = [];
  for (let f = 0; f < k; f++) {
    const s = scores[f] as Float64Array;
    const truth: number[] = [];
    let j = 0;
    for (let i = 0; i < y.length; i++) {
      if (folds[i] !== f) continue;
      oof[i] = s[j++] as number;
      truth.push(y[i] as number);
    }
    perFold.push({ fold: f, rows: truth.length, metrics: binaryReport(truth, s, threshold).metrics });
  }
  const mean: Record<string, number> = {};
  for (const name of Object.keys(perFold[0]?.metrics ?? {})) {
    mean[name] = perFold.reduce((a, p) => a + (p.metrics[name] as number), 0) / perFold.length;
  }
  return { oof, folds: perFold, mean };
}

async function evaluate(
  specs: readonly ClassifierSpec[],
  data: SelectionData,
  k: number,
  options: SelectionOptions,
  label: (candidate: number, fold: number) => string,
): Promise<CrossValidation[]> {
  const seed = options.seed ?? 0;
  const tasks: Task[] = [];
  for (let c = 0; c < specs.length; c++) {
    for (let f = 0; f < k; f++)
      tasks.push({ id: tasks.length, spec: specs[c] as ClassifierSpec, fold: f, seed });
  }
  let done = 0;
  const progress = options.onProgress;
  progress?.(0, tasks.length, "starting");
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0)
    throw siftError("SELECTION_INVALID", `workers is ${workers}; use 0, 1, 2, …`);
  const scores = await runTasks(data, tasks, workers, (task) => {
    done++;
    progress?.(done, tasks.length, label(Math.floor(task.id / k), task.fold));
  });
  const threshold = options.threshold ?? 0.5;
  return specs.map((_, c) => assemble(data.y, data.folds, k, scores.slice(c * k, (c + 1) * k), threshold));
}

/** K-fold cross-validation of one spec over the given fold ids. */
export async function crossValidate(
  spec: ClassifierSpec,
  texts: readonly string[],
  y: Targets,
  folds: Int32Array,
  options: SelectionOptions = {},
): Promise<CrossValidation> {
  const k = foldCount(texts, y, folds);
  const [cv] = await evaluate([spec], { texts, y, folds }, k, options, (_, f) => `fold ${f + 1}/${k}`);
  return cv as CrossValidation;
}

/** Cross-validates every candidate of `space` applied to `baseSpec` and ranks them by `metric`. */
export async function gridSearch(
  baseSpec: ClassifierSpec,
  space: SearchSpace,
  texts: readonly string[],
  y: Targets,
  folds: Int32Array,
  options: SelectionOptions = {},
): Promise<GridSearchResult> {
  const metric = metricName(options);
  const k = foldCount(texts, y, folds);
  const candidates = candidatesOf(space);
  const specs = candidates.map((c) => specFor(baseSpec, c));
  const n = candidates.length;
  const cvs = await evaluate(
    specs,
    { texts, y, folds },
    k,
    options,
    (c, f) => `candidate ${c + 1}/${n} fold ${f + 1}/${k}`,
  );
  const results = cvs.map((cv, c): CandidateResult => {
    const values = cv.folds.map((f) => f.metrics[metric] as number);
    const score = values.reduce((a, v) => a + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - score) ** 2, 0) / values.length);
    return { params: candidates[c] as Candidate, spec: specs[c] as ClassifierSpec, score, std, cv };
  });
  const sign = LOWER_IS_BETTER.has(metric) ? -1 : 1;
  let best = results[0] as CandidateResult;
  for (const r of results) if (sign * r.score > sign * best.score || Number.isNaN(best.score)) best = r;
  return { metric, candidates: results, best };
}
