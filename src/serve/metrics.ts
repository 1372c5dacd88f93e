/**
 * Prometheus metrics for one server. Each server owns its own registry, so several servers in one
 * process (tests) never share counters. Requests and predictions are counted in plain numbers on
 * the request path and handed to prom-client only when /metrics is scraped: prom-client checks
 * and hashes the label values on every observation, which cost more than the rest of a request's
 * bookkeeping together.
 */
import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from "prom-client";
import type { ModelEvent, Prediction, ServedModel } from "./types.ts";

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type RequestLabels = { transport: string; method: string; route: string; status: string };

interface RequestSeries {
  readonly labels: RequestLabels;
  count: number;
  sum: number;
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly buckets: Float64Array;
}

interface PredictionSeries {
  readonly labels: { model: string; version: string; label: string };
  count: number;
}

function bucketOf(seconds: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[i] as number)) i++;
  return i;
}

/**
 * The latency histogram as a metric prom-client's registry can print: it reads the request
 * series at scrape time. Written here because prom-client's Histogram can only be fed one
 * observation at a time.
 */
function latencyHistogram(series: () => Iterable<RequestSeries>): Metric {
  const name = "sift_request_duration_seconds";
  const help = "Time from receiving a request to sending its response.";
  const values = () => {
    const out: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, buckets, sum, count } of series()) {
      let cumulative = 0;
      for (let i = 0; i <= LATENCY_BUCKETS.length; i++) {
        cumulative += buckets[i] ?? 0;
        const le = LATENCY_BUCKETS[i] ?? "+Inf";
        out.push({ labels: { le, ...labels }, value: cumulative, metricName: `${name}_bucket` });
      }
      out.push({ labels, value: sum, metricName: `${name}_sum` });
      out.push({ labels, value: count, metricName: `${name}_count` });
    }
    return out;
  };
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: async () => ({ name, help, type: "histogram", aggregator: "sum", values: values() }),
    reset: () => {},
  };
  return metric as unknown as Metric;
}

export class ServeMetrics {
  readonly registry = new Registry();
  readonly #modelInfo: Gauge<"model" | "version" | "reference">;
  readonly #loadSeconds: Gauge<"model" | "version">;
  readonly #loads: Counter<"model" | "outcome">;
  readonly #requestSeries = new Map<string, RequestSeries>();
  readonly #predictionSeries = new Map<string, PredictionSeries>();

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const requests = this.#requestSeries;
    const predictions = this.#predictionSeries;
    new Counter({
      name: "sift_requests_total",
      help: "Requests answered, by transport (http, grpc), method, route and status.",
      labelNames: ["transport", "method", "route", "status"],
      registers,
      collect() {
        this.reset();
        for (const series of requests.values()) this.inc(series.labels, series.count);
      },
    });
    this.registry.registerMetric(latencyHistogram(() => requests.values()));
    new Counter({
      name: "sift_predictions_total",
      help: "Sentences classified, by model, version and returned label.",
      labelNames: ["model", "version", "label"],
      registers,
      collect() {
        this.reset();
        for (const series of predictions.values()) this.inc(series.labels, series.count);
      },
    });
    this.#modelInfo = new Gauge({
      name: "sift_model_info",
      help: "1 for each model version being served, with the reference it follows.",
      labelNames: ["model", "version", "reference"],
      registers,
    });
    this.#loadSeconds = new Gauge({
      name: "sift_model_load_seconds",
      help: "Time taken to read, verify and warm a model version.",
      labelNames: ["model", "version"],
      registers,
    });
    this.#loads = new Counter({
      name: "sift_model_loads_total",
      help: "Model version loads, by outcome (loaded, refused).",
      labelNames: ["model", "outcome"],
      registers,
    });
  }

  /** One answered request; `status` is the HTTP status or the gRPC status name. */
  observeRequest(
    transport: string,
    method: string,
    route: string,
    status: string | number,
    seconds: number,
  ): void {
    const key = `${transport} ${method} ${route} ${status}`;
    let series = this.#requestSeries.get(key);
    if (series === undefined) {
      const labels = { transport, method, route, status: String(status) };
      series = { labels, count: 0, sum: 0, buckets: new Float64Array(LATENCY_BUCKETS.length + 1) };
      this.#requestSeries.set(key, series);
    }
    series.count++;
    series.sum += seconds;
    const bucket = bucketOf(seconds);
    series.buckets[bucket] = (series.buckets[bucket] ?? 0) + 1;
  }

  observePredictions(model: ServedModel, predictions: readonly Prediction[]): void {
    for (const prediction of predictions) {
      const key = `${model.name}\u0000${model.version}\u0000${prediction.label}`;
      let series = this.#predictionSeries.get(key);
      if (series === undefined) {
        const labels = { model: model.name, version: String(model.version), label: prediction.label };
        series = { labels, count: 0 };
        this.#predictionSeries.set(key, series);
      }
      series.count++;
    }
  }

  /** Keeps the model gauges in step with the manager's loads and refusals. */
  observeModelEvent(event: ModelEvent): void {
    if (event.type === "loaded") {
      const { model, previous } = event;
      if (previous !== undefined) {
        this.#modelInfo.remove({
          model: previous.name,
          version: String(previous.version),
          reference: previous.ref,
        });
      }
      this.#modelInfo.set({ model: model.name, version: String(model.version), reference: model.ref }, 1);
      this.#loadSeconds.set({ model: model.name, version: String(model.version) }, model.loadMs / 1000);
      this.#loads.inc({ model: model.name, outcome: "loaded" });
    } else if (event.type === "refused") {
      this.#loads.inc({ model: event.name, outcome: "refused" });
    }
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
