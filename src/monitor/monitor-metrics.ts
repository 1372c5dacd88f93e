/**
 * The monitor's Prometheus metrics. Counters move on the hot path (one increment); the live
 * quality and drift gauges are set by the periodic refresh, never by a request.
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { DriftReport, LiveMetrics } from "./types.ts";

export interface MonitorMetrics {
  readonly dropped: Counter;
  readonly written: Counter;
  readonly feedback: Counter<"status">;
  /** Shadow predictions made in the log's writer, by outcome: scored, failed, skipped. */
  readonly shadows: Counter<"outcome">;
  readonly queueDepth: Gauge;
  readonly precision: Gauge<"model" | "version" | "route">;
  readonly recall: Gauge<"model" | "version" | "route">;
  readonly f1: Gauge<"model" | "version" | "route">;
  readonly labelled: Gauge<"model" | "version" | "route">;
  readonly scorePsi: Gauge<"model" | "version">;
  readonly lengthPsi: Gauge<"model" | "version">;
  readonly oovRate: Gauge<"model" | "version">;
  readonly labelShift: Gauge<"model" | "version">;
  readonly alert: Gauge<"model" | "version" | "signal">;
}

/** Creates the metrics in `registry`, or reuses them when another monitor already did. */
export function monitorMetrics(registry: Registry, queueDepth: () => number): MonitorMetrics {
  // The queue-depth gauge reads this monitor's queue, so a newer monitor replaces it.
  registry.removeSingleMetric("sift_prediction_log_queue_depth");
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const versionLabels = ["model", "version", "route"] as const;
  const driftLabels = ["model", "version"] as const;
  return {
    dropped: counter(
      "sift_prediction_log_dropped_total",
      "Predictions not logged because the log queue was full.",
    ),
    written: counter("sift_prediction_log_written_total", "Predictions written to the prediction log."),
    feedback: counter("sift_feedback_total", "Feedback received, by outcome.", ["status"]),
    shadows: counter(
      "sift_shadow_predictions_total",
      "Shadow predictions, by outcome: scored, failed (the version threw), skipped (loading, benched, or the log writer behind).",
      ["outcome"],
    ),
    queueDepth: new Gauge({
      name: "sift_prediction_log_queue_depth",
      help: "Predictions waiting in memory for the log writer.",
      registers: [registry],
      collect() {
        this.set(queueDepth());
      },
    }),
    precision: gauge("sift_live_precision", "Precision on predictions with feedback.", versionLabels),
    recall: gauge("sift_live_recall", "Recall on predictions with feedback.", versionLabels),
    f1: gauge("sift_live_f1", "F1 on predictions with feedback.", versionLabels),
    labelled: gauge("sift_live_labelled", "Predictions that received feedback.", versionLabels),
    scorePsi: gauge(
      "sift_drift_score_psi",
      "PSI of live scores against the training reference.",
      driftLabels,
    ),
    lengthPsi: gauge(
      "sift_drift_length_psi",
      "PSI of live sentence lengths against the training reference.",
      driftLabels,
    ),
    oovRate: gauge(
      "sift_drift_oov_rate",
      "Share of live tokens outside the training vocabulary.",
      driftLabels,
    ),
    labelShift: gauge("sift_drift_label_shift", "Largest change of a predicted label's share.", driftLabels),
    alert: gauge("sift_drift_alert", "1 while a drift signal is over its threshold.", [
      "model",
      "version",
      "signal",
    ]),
  };
}

export function setLiveGauges(metrics: MonitorMetrics, live: readonly LiveMetrics[]): void {
  for (const m of live) {
    const labels = { model: m.model, version: String(m.version), route: m.route };
    metrics.precision.set(labels, m.precision);
    metrics.recall.set(labels, m.recall);
    metrics.f1.set(labels, m.f1);
    metrics.labelled.set(labels, m.labelled);
  }
}

export const DRIFT_SIGNALS = ["score_psi", "length_psi", "oov_rate", "label_mix"] as const;

export function setDriftGauges(metrics: MonitorMetrics, drift: readonly DriftReport[]): void {
  for (const d of drift) {
    const labels = { model: d.model, version: String(d.version) };
    metrics.scorePsi.set(labels, d.scorePsi);
    metrics.lengthPsi.set(labels, d.lengthPsi);
    metrics.oovRate.set(labels, d.oovRate);
    metrics.labelShift.set(labels, d.labelShift);
    for (const signal of DRIFT_SIGNALS)
      metrics.alert.set({ ...labels, signal }, d.alerts.includes(signal) ? 1 : 0);
  }
}
