/**
 * Model selection on training data only: cross-validation over precomputed fold ids (the
 * pipeline computes grouped, stratified folds in src/data) and grid search over a declared
 * space, with folds × candidates fitted in parallel on worker threads. Every fit gets the same
 * seed and results are placed by task, so the outcome does not depend on scheduling. A search
 * over estimator parameters only featurises each fold once and shares it between candidates.
 */
import { siftError } from "../errors.ts";
import { featuriseTexts, fitOnFeatures, TEXT_LINEAR } from "./classifier.ts";
import { fitClassifier } from "./compose.ts";
import { binaryReport } from "./metrics-report.ts";
import { runTasks, type TaskScores } from "./selection-pool.ts";
import { type Candidate, candidatesOf, type SearchSpace, specFor } from "./selection-spec.ts";
import type { SelectionData, Task } from "./selection-task.ts";
import type { ClassifierSpec, Targets, TextClassifier } from "./types.ts";

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
  /**
   * Also fit the best candidate on every row (scikit-learn's `refit`), returned as `model`. When
   * only estimator parameters are searched, the rows are featurised in this thread while the
   * workers run the folds, so the final fit costs little more than its estimator.
   */
  readonly refit?: boolean;
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
  /** The best candidate fitted on every row, with `refit`. */
  readonly model?: TextClassifier;
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

/**
 * The tasks for specs × folds: one per (spec, fold), or — when the specs differ only in their
 * estimator (`shared`) — one per fold holding every spec, so each fold is featurised once.
 */
function planTasks(specs: readonly ClassifierSpec[], k: number, seed: number, shared: boolean): Task[] {
  const tasks: Task[] = [];
  if (shared) {
    for (let f = 0; f < k; f++) tasks.push({ id: f, specs, fold: f, seed });
    return tasks;
  }
  for (const spec of specs) {
    for (let f = 0; f < k; f++) tasks.push({ id: tasks.length, specs: [spec], fold: f, seed });
  }
  return tasks;
}

/** Which candidate a task's part is (the fold is the task's own). */
function candidateOf(task: Task, part: number, k: number, shared: boolean): number {
  return shared ? part : Math.floor(task.id / k);
}

/** Runs `meanwhile` in this thread once the tasks are handed to the workers; throws its error after them. */
async function alongside<T>(pending: Promise<TaskScores>, meanwhile: () => T): Promise<[TaskScores, T]> {
  let value: T;
  try {
    value = meanwhile();
  } catch (error) {
    await pending.catch(() => {});
    throw error;
  }
  return [await pending, value];
}

async function evaluate<T>(
  specs: readonly ClassifierSpec[],
  data: SelectionData,
  k: number,
  options: SelectionOptions & { readonly shared?: boolean },
  label: (candidate: number, fold: number) => string,
  meanwhile: () => T,
): Promise<[CrossValidation[], T]> {
  const shared = options.shared === true && specs.length > 1;
  const tasks = planTasks(specs, k, options.seed ?? 0, shared);
  const total = specs.length * k;
  let done = 0;
  const progress = options.onProgress;
  progress?.(0, total, "starting");
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0)
    throw siftError("SELECTION_INVALID", `workers is ${workers}; use 0, 1, 2, …`);
  const pending = runTasks(data, tasks, workers, (task, part) => {
    done++;
    progress?.(done, total, label(candidateOf(task, part, k, shared), task.fold));
  });
  const [scores, extra] = await alongside(pending, meanwhile);
  const threshold = options.threshold ?? 0.5;
  const at = (c: number, f: number): Float64Array =>
    (shared ? scores[f]?.[c] : scores[c * k + f]?.[0]) as Float64Array;
  const cvs = specs.map((_, c) =>
    assemble(
      data.y,
      data.folds,
      k,
      Array.from({ length: k }, (_, f) => at(c, f)),
      threshold,
    ),
  );
  return [cvs, extra];
}

/** True when every searched path is an estimator parameter of a `text-linear` spec. */
function estimatorOnly(baseSpec: ClassifierSpec, space: SearchSpace): boolean {
  return baseSpec.kind === TEXT_LINEAR && Object.keys(space).every((path) => path.startsWith("estimator."));
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
  const [[cv]] = await evaluate(
    [spec],
    { texts, y, folds },
    k,
    options,
    (_, f) => `fold ${f + 1}/${k}`,
    () => null,
  );
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
  const shared = estimatorOnly(baseSpec, space);
  // With shared features the full rows' featurising does not depend on the candidate: do it now.
  const early = options.refit === true && shared ? () => featuriseTexts(baseSpec, texts) : () => null;
  const [cvs, featurised] = await evaluate(
    specs,
    { texts, y, folds },
    k,
    { ...options, shared },
    (c, f) => `candidate ${c + 1}/${n} fold ${f + 1}/${k}`,
    early,
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
  if (options.refit !== true) return { metric, candidates: results, best };
  const model =
    featurised === null
      ? fitClassifier(best.spec, texts, y, { seed: options.seed ?? 0 })
      : fitOnFeatures(featurised, best.spec.parts?.estimator as ClassifierSpec, y);
  return { metric, candidates: results, best, model };
}
