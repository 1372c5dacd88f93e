/**
 * The production loop's entry point for a server: the prediction log, feedback, the live
 * quality and drift gauges and the summary behind the dashboard. `onPrediction` is the serving
 * hook; everything slower runs in the writer thread or on the refresh timer.
 */
import { register as defaultRegistry, type Registry } from "prom-client";
import { DEFAULT_THRESHOLDS, driftAlerts, driftSignals } from "./drift.ts";
import { type MonitorMetrics, monitorMetrics, setDriftGauges, setLiveGauges } from "./monitor-metrics.ts";
import { PredictionLog } from "./prediction-log.ts";
import { foldLabelMix, parseReference } from "./reference.ts";
import { trendOf } from "./trend.ts";
import type {
  DriftReference,
  DriftReport,
  DriftThresholds,
  FeedbackInput,
  FeedbackResult,
  LiveMetrics,
  LogConfig,
  LoopEvent,
  MonitorSummary,
  PredictionEvent,
  ShadowCounts,
} from "./types.ts";

/** The pino-shaped logger the monitor writes alerts to. */
export interface MonitorLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export interface MonitorOptions {
  readonly log: LogConfig;
  /** prom-client registry the server exposes on /metrics. Default: prom-client's global one. */
  readonly registry?: Registry;
  readonly thresholds?: Partial<DriftThresholds>;
  /** How often live metrics and drift are recomputed, in ms. Default 5 000; 0 = only on demand. */
  readonly refreshIntervalMs?: number;
  /** How many of a version's latest predictions drift is computed on. Default 2 000. */
  readonly driftWindow?: number;
  readonly logger?: MonitorLogger;
  readonly now?: () => number;
  /** Shadow scoring in the log's writer since its last report (`log.shadows` set). */
  readonly onShadows?: (counts: ShadowCounts) => void;
}

/** What the monitor needs to know of a served model version (from its manifest). */
export interface ObservedModel {
  readonly name: string;
  readonly version: number;
  readonly labels?: { readonly positive: string; readonly negative: string };
  /** `manifest.reference`; drift is off for versions without a readable one. */
  readonly reference?: unknown;
}

const silent: MonitorLogger = { warn() {}, info() {} };

export class Monitor {
  readonly log: PredictionLog;
  readonly metrics: MonitorMetrics;
  readonly #thresholds: DriftThresholds;
  readonly #references = new Map<string, { name: string; version: number; reference: DriftReference }>();
  readonly #alerts = new Map<string, string>();
  readonly #logger: MonitorLogger;
  readonly #now: () => number;
  readonly #driftWindow: number;
  #timer: NodeJS.Timeout | null = null;
  #lastLive: readonly LiveMetrics[] = [];
  #lastDrift: readonly DriftReport[] = [];

  private constructor(log: PredictionLog, metrics: MonitorMetrics, options: MonitorOptions) {
    this.log = log;
    this.metrics = metrics;
    this.#thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    this.#logger = options.logger ?? silent;
    this.#now = options.now ?? Date.now;
    this.#driftWindow = options.driftWindow ?? 2000;
  }

  static async open(options: MonitorOptions): Promise<Monitor> {
    const registry = options.registry ?? defaultRegistry;
    let log: PredictionLog | null = null;
    const metrics = monitorMetrics(registry, () => log?.stats.queued ?? 0);
    log = await PredictionLog.open(options.log, {
      onDrop: (n) => metrics.dropped.inc(n),
      onWritten: (n) => metrics.written.inc(n),
      onError: (error) => options.logger?.warn({ err: error.message }, "prediction log writer failed"),
      onShadows: (counts) => {
        for (const outcome of ["scored", "failed", "skipped"] as const) {
          if (counts[outcome] > 0) metrics.shadows.inc({ outcome }, counts[outcome]);
        }
        options.onShadows?.(counts);
      },
    });
    const monitor = new Monitor(log, metrics, options);
    const interval = options.refreshIntervalMs ?? 5000;
    if (interval > 0) {
      monitor.#timer = setInterval(() => {
        monitor
          .refresh()
          .catch((error: unknown) => monitor.#logger.warn({ err: String(error) }, "monitor refresh failed"));
      }, interval);
      monitor.#timer.unref();
    }
    return monitor;
  }

  /** The serving hook: O(1), never throws, never waits. */
  readonly onPrediction = (event: PredictionEvent): void => {
    this.log.enqueue(event);
  };

  /** Tells the monitor about a model version the server loaded (its reference, labels). */
  async observeModel(model: ObservedModel): Promise<void> {
    const key = `${model.name}@${model.version}`;
    if (this.#references.has(key)) return;
    const parsed = parseReference(model.reference);
    if (model.labels) await this.log.call("setPositiveLabel", model.name, model.labels.positive);
    if (parsed !== null) {
      const reference = model.labels
        ? foldLabelMix(parsed, model.labels.positive, model.labels.negative)
        : parsed;
      this.#references.set(key, { name: model.name, version: model.version, reference });
      await this.log.call("setVocabulary", model.name, model.version, reference.vocabulary);
    }
  }

  async recordEvent(
    kind: string,
    detail: string,
    model: string | null = null,
    version: number | null = null,
  ) {
    await this.log.call("addEvent", { time: this.#now(), kind, model, version, detail });
  }

  async recordFeedback(input: FeedbackInput): Promise<FeedbackResult> {
    const result = await this.log.call("recordFeedback", input, this.#now());
    this.metrics.feedback.inc({ status: result.status });
    return result;
  }

  /** Recomputes live metrics and drift, sets the gauges, and logs alerts when they change. */
  async refresh(): Promise<{ live: readonly LiveMetrics[]; drift: readonly DriftReport[] }> {
    const live = await this.log.call("liveMetrics", 0);
    const drift: DriftReport[] = [];
    for (const { name, version, reference } of this.#references.values()) {
      const sample = await this.log.call("driftSample", name, version, "primary", this.#driftWindow);
      if (sample.scores.length === 0) continue;
      const signals = driftSignals(reference, sample);
      drift.push({ model: name, version, ...signals, alerts: driftAlerts(signals, this.#thresholds) });
    }
    setLiveGauges(this.metrics, live);
    setDriftGauges(this.metrics, drift);
    for (const report of drift) await this.#noteAlertChange(report);
    this.#lastLive = live;
    this.#lastDrift = drift;
    return { live, drift };
  }

  async #noteAlertChange(report: DriftReport): Promise<void> {
    const key = `${report.model}@${report.version}`;
    const now = report.alerts.join(",");
    if ((this.#alerts.get(key) ?? "") === now) return;
    this.#alerts.set(key, now);
    const fields = {
      model: report.model,
      version: report.version,
      alerts: report.alerts,
      scorePsi: report.scorePsi,
    };
    if (now === "") {
      this.#logger.info(fields, "drift cleared");
      await this.recordEvent(
        "drift_cleared",
        "all drift signals back under their thresholds",
        report.model,
        report.version,
      );
      return;
    }
    this.#logger.warn(
      { ...fields, oovRate: report.oovRate, labelShift: report.labelShift },
      "drift detected",
    );
    await this.recordEvent("drift_alert", `drift over threshold: ${now}`, report.model, report.version);
  }

  get lastRefresh(): { live: readonly LiveMetrics[]; drift: readonly DriftReport[] } {
    return { live: this.#lastLive, drift: this.#lastDrift };
  }

  /** Everything the dashboard shows, recomputed now. */
  async summary(options: { since?: number; bucketMs?: number } = {}): Promise<MonitorSummary> {
    const { live, drift } = await this.refresh();
    const counts = await this.log.call("counts");
    const since = options.since ?? this.#now() - 3_600_000;
    const series = await this.log.call("series", since, options.bucketMs ?? 60_000, 200_000);
    const events: readonly LoopEvent[] = await this.log.call("events", since);
    const stats = this.log.stats;
    const references = new Map([...this.#references].map(([key, entry]) => [key, entry.reference]));
    return {
      generatedAt: this.#now(),
      log: { ...counts, queued: stats.queued, dropped: stats.dropped, written: stats.written },
      live,
      drift,
      series,
      trend: trendOf(series, references),
      events,
    };
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.log.close();
  }
}
