/**
 * The loop's summary computed straight from a log file (the CLI's `sift monitor report`), the same
 * shape the server's monitor returns for the dashboard.
 */
import { DEFAULT_THRESHOLDS, driftAlerts, driftSignals } from "./drift.ts";
import type { LogStore } from "./log-store.ts";
import { trendOf } from "./trend.ts";
import type { DriftReference, DriftReport, DriftThresholds, MonitorSummary } from "./types.ts";

export interface SummaryOptions {
  /** Drift references by `name@version` (already folded to the model's two labels). */
  readonly references: ReadonlyMap<string, DriftReference>;
  readonly since?: number;
  readonly bucketMs?: number;
  readonly driftWindow?: number;
  readonly thresholds?: DriftThresholds;
  readonly now?: number;
}

export function summarizeLog(store: LogStore, options: SummaryOptions): MonitorSummary {
  const since = options.since ?? 0;
  const drift: DriftReport[] = [];
  for (const { model, version, route } of store.versions()) {
    const reference = options.references.get(`${model}@${version}`);
    if (route !== "primary" || reference === undefined) continue;
    const sample = store.driftSample(model, version, "primary", options.driftWindow ?? 2000);
    if (sample.scores.length === 0) continue;
    const signals = driftSignals(reference, sample);
    drift.push({
      model,
      version,
      ...signals,
      alerts: driftAlerts(signals, options.thresholds ?? DEFAULT_THRESHOLDS),
    });
  }
  const series = store.series(since, options.bucketMs ?? 60_000);
  return {
    generatedAt: options.now ?? Date.now(),
    log: { ...store.counts(), queued: 0, dropped: 0, written: 0 },
    live: store.liveMetrics(since),
    drift,
    series,
    trend: trendOf(series, options.references),
    events: store.events(since),
  };
}
