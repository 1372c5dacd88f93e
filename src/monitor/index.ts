/** The production loop: prediction log, feedback, drift, live metrics, reports, online learning. */
export {
  DEFAULT_THRESHOLDS,
  driftAlerts,
  driftSignals,
  evenEdges,
  histogram,
  labelShift,
  psi,
} from "./drift.ts";
export { defaultLogPath } from "./log-path.ts";
export { LogStore, type LogStoreOptions } from "./log-store.ts";
export { Monitor, type MonitorLogger, type MonitorOptions, type ObservedModel } from "./monitor.ts";
export {
  type GateOutcome,
  holdoutSplit,
  type LearnOptions,
  type LearnResult,
  learnFromFeedback,
  type SeenKeysCodec,
  type TrainingRows,
} from "./online-learn.ts";
export { PredictionLog, type PredictionLogHooks, type PredictionLogStats } from "./prediction-log.ts";
export { buildReference, foldLabelMix, parseReference, type ReferenceInput } from "./reference.ts";
export { escapeHtml, lineChart } from "./report-charts.ts";
export { REPORT_STYLE, type ReportView, renderReport, renderReportBody } from "./report-html.ts";
export { type SummaryOptions, summarizeLog } from "./summary.ts";
export { countOov, sentenceHash, tokenize } from "./tokens.ts";
export { trendOf } from "./trend.ts";
export type * from "./types.ts";
