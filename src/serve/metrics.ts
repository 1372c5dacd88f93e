/**
 * Prometheus metrics for one server. Each server owns its own registry, so several servers in one
 * process (tests) never share counters. Label children are cached: resolving label values on every
 * request costs more than the observation itself.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ModelEvent, Prediction, ServedModel } from "./types.ts";

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class ServeMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"transport" | "method" | "route" | "status">;
  readonly #latency: Histogram<"transport" | "method" | "route" | "status">;
  readonly #predictions: Counter<"model" | "version" | "label">;
  readonly #modelInfo: Gauge<"model" | "version" | "reference">;
  readonly #loadSeconds: Gauge<"model" | "version">;
  readonly #loads: Counter<"model" | "outcome">;
  readonly #requestChildren = new Map<
    string,
    { count: Counter.Internal; latency: Histogram.Internal<"transport" | "method" | "route" | "status"> }
  >();
  readonly #predictionChildren = new Map<string, Counter.Internal>();

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.#requests = new Counter({
      name: "sift_requests_total",
      help: "Requests answered, by transport (http, grpc), method, route and status.",
      labelNames: ["transport", "method", "route", "status"],
      registers,
    });
    this.#latency = new Histogram({
      name: "sift_request_duration_seconds",
      help: "Time from receiving a request to sending its response.",
      labelNames: ["transport", "method", "route", "status"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#predictions = new Counter({
      name: "sift_predictions_total",
      help: "Sentences classified, by model, version and returned label.",
      labelNames: ["model", "version", "label"],
      registers,
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
  observeRequest(transport: string, method: string, route: string, status: string, seconds: number): void {
    const key = `${transport} ${method} ${route} ${status}`;
    let child = this.#requestChildren.get(key);
    if (child === undefined) {
      const labels = { transport, method, route, status };
      child = { count: this.#requests.labels(labels), latency: this.#latency.labels(labels) };
      this.#requestChildren.set(key, child);
    }
    child.count.inc();
    child.latency.observe(seconds);
  }

  observePredictions(model: ServedModel, predictions: readonly Prediction[]): void {
    for (const prediction of predictions) {
      const key = `${model.name}\u0000${model.version}\u0000${prediction.label}`;
      let child = this.#predictionChildren.get(key);
      if (child === undefined) {
        child = this.#predictions.labels({
          model: model.name,
          version: String(model.version),
          label: prediction.label,
        });
        this.#predictionChildren.set(key, child);
      }
      child.inc();
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
