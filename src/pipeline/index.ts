/**
 * The pipeline's public surface: configuration, a training run, run tracking and its views,
 * and the progress displays the CLI uses.
 */
export {
  CONFIG_FILE_NAME,
  defaultConfig,
  type LoadedConfig,
  loadConfig,
  resolveConfig,
  validateConfig,
} from "./config.ts";
export { METRIC_NAMES, type MetricName, type PipelineConfig, PipelineConfigSchema } from "./config-schema.ts";
export { type FeedbackExample, type FeedbackMerge, mergeFeedback } from "./feedback-merge.ts";
export { formatComparison, formatRun, formatRunList, formatTrainResult } from "./format.ts";
export { type ChampionComparison, type ChampionScore, type ChampionSkipped, evaluateGates } from "./gates.ts";
export { chooseDisplay, type EventSink, type PipelineEvent, type ProgressDisplay } from "./progress.ts";
export { buildDriftReference, type DriftReferenceData } from "./reference.ts";
export { type ReportData, renderReport } from "./report.ts";
export { REPORT_FILE } from "./report-write.ts";
export { newRunId, openRunStore, type RunStore } from "./runs.ts";
export { compareRuns } from "./runs-compare.ts";
export type {
  GateResult,
  RunComparison,
  RunLogLine,
  RunMetrics,
  RunRecord,
  RunStatus,
  RunSummary,
} from "./runs-types.ts";
export {
  decodeSeenKeys,
  encodeSeenKeys,
  keyHash,
  mergeSeenKeys,
  SEEN_KEYS_FILE,
  SEEN_KEYS_FORMAT,
} from "./seen-keys.ts";
export type { PreparedData, SearchResult, Toolkit } from "./toolkit-types.ts";
export {
  gateFailure,
  resolveDataSource,
  runTraining,
  SAMPLE_PACKAGE,
  type TrainOptions,
  type TrainResult,
} from "./train-run.ts";
export { productionIsCurrent, type UpToDate } from "./up.ts";
