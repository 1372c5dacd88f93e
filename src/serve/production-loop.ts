/**
 * Wires the production loop into a server: the monitor (prediction log, feedback, drift), the
 * traffic router (A/B split, shadow) in front of the model manager, the prediction hook, the
 * loop's routes, and the milestones (model loaded, policy changed) on the report's timeline.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Registry as MetricsRegistry } from "prom-client";
import { type DriftThresholds, Monitor } from "../monitor/index.ts";
import type { Registry, TrafficPolicy } from "../registry/index.ts";
import { registerLoopRoutes } from "./feedback-routes.ts";
import type { RouteContext, SiftApp } from "./http-context.ts";
import type { ModelManager, ModelSource } from "./model-manager.ts";
import { manifestSource } from "./model-source.ts";
import type { ModelRouter, Predictor } from "./predictor.ts";
import { productionLoopHook, type ShadowStats } from "./shadow-logging.ts";
import { type TrafficEvent, TrafficRouter } from "./traffic.ts";
import type { ModelEvent, ServedModel } from "./types.ts";

export interface ProductionLoopOptions {
  /** SQLite file of the prediction log. */
  readonly logPath: string;
  /** Keep sentence text in the log (default: only its sha256). */
  readonly keepSentences?: boolean;
  readonly queueCapacity?: number;
  readonly batchSize?: number;
  readonly flushIntervalMs?: number;
  readonly maxAgeDays?: number;
  readonly maxRows?: number;
  readonly thresholds?: Partial<DriftThresholds>;
  /** How often live metrics and drift gauges refresh, in ms (default 5 000). */
  readonly refreshIntervalMs?: number;
  /** How often traffic policies are re-read when the registry changes, in ms (default 250). */
  readonly pollMs?: number;
}

export interface ProductionLoop {
  /** Null when the server runs without a prediction log. */
  readonly monitor: Monitor | null;
  readonly traffic: TrafficRouter;
  /** What the predictor asks which model answers: the traffic router over the manager. */
  readonly router: ModelRouter;
  readonly shadowStats: ShadowStats;
  /** Subscribes the log and shadow hook to `predictor`, and drift references to loaded models. */
  attach(predictor: Predictor): void;
  registerRoutes(app: SiftApp, context: RouteContext): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ProductionLoopDeps {
  readonly manager: ModelManager;
  readonly registry: Pick<Registry, "revision" | "getTrafficPolicy" | "root" | "load" | "resolve">;
  readonly source: ModelSource;
  readonly metricsRegistry: MetricsRegistry;
  readonly logger: FastifyBaseLogger;
}

function describePolicy(policy: TrafficPolicy): string {
  const split = policy.split.map((s) => `v${s.version}=${s.weight}`).join(" ");
  const shadow = policy.shadow.map((v) => `v${v}`).join(" ");
  if (!split && !shadow) return "cleared: all traffic to the alias";
  return [split && `split ${split}`, shadow && `shadow ${shadow}`].filter(Boolean).join("; ");
}

/**
 * Traffic policies always apply (they need no log); the monitor, feedback routes, dashboard and
 * shadow scoring run when `options` names a prediction log.
 */
export async function startProductionLoop(
  options: ProductionLoopOptions | undefined,
  deps: ProductionLoopDeps,
): Promise<ProductionLoop> {
  if (options === undefined) return trafficOnly(deps);
  const { logger } = deps;
  const stats: ShadowStats = { scored: 0, failed: 0, skipped: 0, benched: 0 };
  const monitor = await Monitor.open({
    log: {
      path: options.logPath,
      keepSentences: options.keepSentences ?? false,
      ...(options.queueCapacity === undefined ? {} : { queueCapacity: options.queueCapacity }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      ...(options.maxAgeDays === undefined ? {} : { maxAgeDays: options.maxAgeDays }),
      ...(options.maxRows === undefined ? {} : { maxRows: options.maxRows }),
      // Shadow versions score in the log's writer thread, next to the rows they add.
      shadows: {
        scorerUrl: new URL("./shadow-worker.ts", import.meta.url).href,
        store: deps.registry.root,
      },
    },
    onShadows: (counts) => {
      stats.scored += counts.scored;
      stats.failed += counts.failed;
      stats.skipped += counts.skipped;
      stats.benched += counts.benched;
      if (counts.errors.length > 0) logger.warn({ errors: counts.errors }, "shadow model failed or benched");
    },
    registry: deps.metricsRegistry,
    ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
    refreshIntervalMs: options.refreshIntervalMs ?? 5000,
    logger,
  });
  const note = (work: Promise<unknown>) =>
    void work.catch((error: unknown) => logger.warn({ err: String(error) }, "monitor update failed"));
  const observe = (model: ServedModel) =>
    monitor.observeModel({
      name: model.name,
      version: model.version,
      labels: model.manifest.labels,
      reference: model.manifest.reference,
    });
  const onTrafficEvent = (event: TrafficEvent) => {
    if (event.type === "policy" && event.policy) {
      logger.info({ model: event.model, policy: event.policy }, "traffic policy applied");
      note(monitor.recordEvent("traffic_policy", describePolicy(event.policy), event.model));
    } else if (event.type === "loaded" && event.served) {
      note(observe(event.served));
    } else if (event.type === "refused") {
      logger.error(
        { model: event.model, version: event.version, err: event.error },
        "traffic version refused",
      );
    }
  };
  const traffic = new TrafficRouter({
    manager: deps.manager,
    policies: deps.registry,
    source: deps.source,
    // Shadows score in the log's writer thread: the router holds their manifests, and a shadow
    // policy applies once the writer has loaded the version, so no request goes unscored then.
    shadowSource: writerShadowSource(manifestSource(deps.registry), monitor),
    pollMs: options.pollMs ?? 250,
    onEvent: onTrafficEvent,
  });
  // Slow and failing shadows are reported by the writer (onShadows above).
  const { hook } = productionLoopHook({ monitor, traffic, inWriter: true });
  const onModelEvent = (event: ModelEvent) => {
    if (event.type !== "loaded") return;
    note(observe(event.model));
    note(
      monitor.recordEvent(
        "model_loaded",
        `${event.model.ref} serves version ${event.model.version}`,
        event.model.name,
        event.model.version,
      ),
    );
    // A new production version may be the one a policy named: re-read policies now.
    note(traffic.refresh());
  };
  return {
    monitor,
    traffic,
    router: traffic,
    shadowStats: stats,
    attach: (predictor) => {
      predictor.onPrediction(hook);
      deps.manager.onEvent(onModelEvent);
    },
    registerRoutes: (app, context) => registerLoopRoutes(app, context, { monitor, traffic }),
    start: () => traffic.start(),
    close: async () => {
      await traffic.stop();
      await monitor.close();
    },
  };
}

/** Manifests from `manifests`, each version also loaded by the writer's shadow scorer. */
function writerShadowSource(manifests: ModelSource, monitor: Monitor): ModelSource {
  return {
    ...manifests,
    load: async (name, version, ref) => {
      const model = await manifests.load(name, version, ref);
      await monitor.log.prepareShadow(name, version);
      return model;
    },
  };
}

function trafficOnly(deps: ProductionLoopDeps): ProductionLoop {
  const traffic = new TrafficRouter({
    manager: deps.manager,
    policies: deps.registry,
    source: deps.source,
    onEvent: (event) => {
      if (event.type === "policy")
        deps.logger.info({ model: event.model, policy: event.policy }, "traffic policy applied");
    },
  });
  return {
    monitor: null,
    traffic,
    router: traffic,
    shadowStats: { scored: 0, failed: 0, skipped: 0, benched: 0 },
    attach: () => {},
    registerRoutes: () => {},
    start: () => traffic.start(),
    close: () => traffic.stop(),
  };
}
