/** The steps of a training run, in order; each reports progress and leaves a line in the run log. */
import type { CleanRow, Split } from "../data/index.ts";
import type { ClassifierSpec, TextClassifier } from "../learn/index.ts";
import type { Registry, StoreWriter } from "../registry/index.ts";
import { scoreChampion } from "./champion.ts";
import type { PipelineConfig } from "./config-schema.ts";
import {
  curves,
  metricsAt,
  mistakes,
  type SplitScores,
  scoreSplit,
  targetsOf,
  topFeatures,
} from "./evaluate.ts";
import { evaluateGates } from "./gates.ts";
import { buildDraft } from "./package.ts";
import type { EventSink } from "./progress.ts";
import { openStoreRegistry, registerAndPromote } from "./publish.ts";
import { writeRunReport } from "./report-write.ts";
import type { RunRecorder } from "./run-recorder.ts";
import type { GateResult } from "./runs-types.ts";
import type { PreparedData, SearchResult, Toolkit } from "./toolkit-types.ts";

export interface StepContext {
  readonly config: PipelineConfig;
  readonly configFile: string | null;
  readonly promote: boolean;
  readonly storeRoot: string;
  readonly dataSource: string;
  readonly runDir: string;
  readonly clock: () => Date;
  readonly sink: EventSink;
  readonly recorder: RunRecorder;
  readonly toolkit: Toolkit;
  readonly writer: StoreWriter | undefined;
}

export interface StepsOutcome {
  readonly reportPath: string | null;
  readonly version: number | null;
  readonly promoted: boolean;
  readonly gatesPassed: boolean;
}

const STEPS = [
  "read and clean data",
  "split",
  "model selection",
  "fit",
  "evaluate",
  "gates",
  "register",
  "report",
] as const;
type StepName = (typeof STEPS)[number];

function begin(context: StepContext, step: StepName): (fraction: number, detail: string) => void {
  context.sink({ type: "step", step, index: STEPS.indexOf(step) + 1, total: STEPS.length });
  return (fraction, detail) => context.sink({ type: "progress", step, fraction, detail });
}

export interface Evaluation {
  readonly threshold: number;
  readonly validation: SplitScores;
  readonly test: SplitScores;
  readonly metrics: { validation: Record<string, number>; test: Record<string, number> };
}

export async function executeSteps(context: StepContext): Promise<StepsOutcome> {
  const { recorder, config } = context;
  const data = await readData(context);
  const split = splitData(context, data);
  const selection = await selectModel(context, split);
  const classifier = await fitModel(context, selection, split);
  const evaluation = evaluate(context, classifier, split);
  const registry = await openStoreRegistry(context);
  try {
    const gates = await runGates(context, registry, evaluation);
    const gatesPassed = gates.every((g) => g.passed);
    begin(context, "register");
    const draft = buildDraft({ context, classifier, evaluation, data, split, selection });
    const published = await registerAndPromote(context, registry, draft, gatesPassed);
    recorder.patch({ artifact: `${config.model.name}@${published.version}`, promoted: published.promoted });
    recorder.log(published.message);
    const reportPath = reportStep(context, { classifier, evaluation, data, split, selection, gates });
    return { reportPath, version: published.version, promoted: published.promoted, gatesPassed };
  } finally {
    registry.close();
  }
}

async function readData(context: StepContext): Promise<PreparedData> {
  const progress = begin(context, "read and clean data");
  progress(0, context.dataSource);
  const data = await context.toolkit.prepareData(context.config.data, context.dataSource);
  context.recorder.patch({ dataFingerprint: data.fingerprint });
  context.recorder.log(
    `read ${data.report.rowsIn} rows from ${data.source}; ${data.rows.length} clean rows (fingerprint ${data.fingerprint.slice(0, 12)})`,
  );
  return data;
}

function splitData(context: StepContext, data: PreparedData): Split {
  begin(context, "split");
  const split = context.toolkit.splitRows(data.rows, context.config.split, context.config.seed);
  context.recorder.log(
    `split ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test (grouped by text, stratified, seed ${context.config.seed})`,
  );
  return split;
}

async function selectModel(context: StepContext, split: Split): Promise<SearchResult> {
  const progress = begin(context, "model selection");
  const { model, seed } = context.config;
  // The config schema checks the spec's outline; learn checks its parameters when it fits.
  const spec = (model.spec as ClassifierSpec | null) ?? context.toolkit.defaultSpec();
  const selection = await context.toolkit.search({
    spec,
    grid: model.search,
    rows: split.train,
    folds: model.cvFolds,
    metric: model.selectBy,
    seed,
    onProgress: progress,
  });
  const best = selection.candidates.find(
    (c) => JSON.stringify(c.params) === JSON.stringify(selection.bestParams),
  );
  context.recorder.patch({ params: { ...selection.bestParams } });
  context.recorder.log(
    selection.candidates.length > 1
      ? `chose ${JSON.stringify(selection.bestParams)} of ${selection.candidates.length} candidates (${model.cvFolds}-fold CV ${model.selectBy} ${best?.score.toFixed(4) ?? "?"})`
      : "no search configured: fitting the model spec as is",
  );
  return selection;
}

async function fitModel(
  context: StepContext,
  selection: SearchResult,
  split: Split,
): Promise<TextClassifier> {
  const progress = begin(context, "fit");
  if (selection.model !== undefined) {
    progress(1, "fitted during model selection");
    context.recorder.log(
      `fitted ${selection.best.kind} on ${split.train.length} rows (during model selection)`,
    );
    return selection.model;
  }
  const texts = split.train.map((row: CleanRow) => row.text);
  const classifier = await context.toolkit.fit(
    selection.best,
    texts,
    targetsOf(split.train),
    context.config.seed,
    progress,
  );
  context.recorder.log(`fitted ${selection.best.kind} on ${texts.length} rows`);
  return classifier;
}

function evaluate(context: StepContext, classifier: TextClassifier, split: Split): Evaluation {
  begin(context, "evaluate");
  const validation = scoreSplit(classifier, split.validation);
  const test = scoreSplit(classifier, split.test);
  const threshold = context.toolkit.chooseThreshold(
    validation.y,
    validation.scores,
    context.config.threshold,
  );
  const metrics = { validation: metricsAt(validation, threshold), test: metricsAt(test, threshold) };
  context.recorder.patch({ metrics, params: { ...context.recorder.record.params, threshold } });
  const t = metrics.test;
  context.recorder.log(
    `threshold ${threshold.toFixed(4)} (${context.config.threshold.rule}); test precision ${fmt(t.precision)} recall ${fmt(t.recall)} f1 ${fmt(t.f1)} roc_auc ${fmt(t.roc_auc)}`,
  );
  return { threshold, validation, test, metrics };
}

async function runGates(
  context: StepContext,
  registry: Registry,
  evaluation: Evaluation,
): Promise<GateResult[]> {
  begin(context, "gates");
  const { gates, model } = context.config;
  const champion = gates.champion
    ? await scoreChampion({
        registry,
        name: model.name,
        test: evaluation.test,
        threshold: evaluation.threshold,
        metric: gates.championMetric,
        minRows: gates.championMinRows,
        seed: context.config.seed,
        toolkit: context.toolkit,
      })
    : null;
  const results = evaluateGates(gates, evaluation.metrics.test, champion);
  context.recorder.patch({ gates: results });
  for (const result of results)
    context.recorder.log(`gate ${result.passed ? "passed" : "FAILED"}: ${result.detail}`);
  return results;
}

interface ReportInputs {
  readonly classifier: TextClassifier;
  readonly evaluation: Evaluation;
  readonly data: PreparedData;
  readonly split: Split;
  readonly selection: SearchResult;
  readonly gates: readonly GateResult[];
}

function reportStep(context: StepContext, inputs: ReportInputs): string | null {
  if (!context.config.report.enabled) return null;
  begin(context, "report");
  const { evaluation, split, data } = inputs;
  const record = context.recorder.record;
  const found = mistakes(evaluation.test, evaluation.threshold, context.config.report.examples);
  const reportPath = writeRunReport(context.runDir, {
    runId: record.id,
    modelName: record.modelName,
    status: inputs.gates.every((g) => g.passed) ? "succeeded" : "gate_failed",
    startedAt: record.startedAt,
    endedAt: context.clock().toISOString(),
    artifact: record.artifact,
    promoted: record.promoted,
    codeVersion: record.codeVersion,
    dataSource: data.source,
    dataFingerprint: data.fingerprint,
    threshold: evaluation.threshold,
    thresholdRule: context.config.threshold.rule,
    positiveLabel: "Relevant",
    metrics: evaluation.metrics,
    params: record.params,
    rows: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    ...curves(evaluation.test, evaluation.validation, evaluation.threshold),
    features: topFeatures(inputs.classifier, evaluation.test.texts, context.config.report.topFeatures),
    ...found,
    selection: inputs.selection.candidates,
    selectBy: context.config.model.selectBy,
    cleaning: data.report,
    gates: inputs.gates,
    config: context.config,
  });
  context.recorder.log(`report written to ${reportPath}`);
  return reportPath;
}

function fmt(value: number | undefined): string {
  return value === undefined ? "n/a" : value.toFixed(4);
}
