/**
 * A running sift service: registry → model manager → HTTP (REST, V2, docs, metrics) and gRPC,
 * with graceful shutdown. The HTTP port opens at once (liveness answers while the model loads);
 * readiness turns 200 when a verified model is in place.
 */
import type { AddressInfo } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import { openRegistry, type Registry } from "../registry/index.ts";
import { type RunningGrpcServer, startGrpcServer } from "./grpc-server.ts";
import { createServer } from "./http-app.ts";
import type { SiftApp } from "./http-context.ts";
import { type ServeLimitsInput, serveLimits } from "./limits.ts";
import { ServeMetrics } from "./metrics.ts";
import { ModelManager } from "./model-manager.ts";
import { DEFAULT_MODEL_REF, formatModelRef, parseModelRef } from "./model-ref.ts";
import { registrySource } from "./model-source.ts";
import { Predictor } from "./predictor.ts";
import { type ProductionLoop, type ProductionLoopOptions, startProductionLoop } from "./production-loop.ts";
import type { ModelEvent, PredictionHook } from "./types.ts";

export interface ServiceOptions {
  /** Store root of the registry. */
  readonly store: string;
  /** References to serve; the first is the default. Default: relevance@production. */
  readonly models?: readonly string[];
  readonly host?: string;
  /** HTTP port; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** gRPC port; 0 picks a free one; null disables gRPC. Default 50051. */
  readonly grpcPort?: number | null;
  readonly limits?: ServeLimitsInput;
  /** A pino logger; default: JSON lines on stdout at `logLevel`. */
  readonly logger?: FastifyBaseLogger;
  readonly logLevel?: string;
  readonly logSentences?: boolean;
  readonly docs?: boolean;
  /** How often to look for alias moves, in ms (default 250). */
  readonly pollMs?: number;
  /** Longest time shutdown waits for in-flight requests, in ms (default 10 s). */
  readonly drainMs?: number;
  readonly onPrediction?: PredictionHook;
  /** The production loop (prediction log, feedback, drift, A/B and shadow); off when absent. */
  readonly loop?: ProductionLoopOptions;
}

export interface RunningService {
  readonly app: SiftApp;
  readonly manager: ModelManager;
  readonly predictor: Predictor;
  readonly metrics: ServeMetrics;
  readonly registry: Registry;
  readonly loop: ProductionLoop;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly grpcPort: number | null;
  /** Resolves once the first load attempt finished (ready or not). */
  readonly loaded: Promise<void>;
  /** Drains in-flight requests, then closes everything. Safe to call twice. */
  close(): Promise<void>;
}

function logModelEvent(logger: FastifyBaseLogger, event: ModelEvent): void {
  if (event.type === "loaded") {
    const { model, previous } = event;
    logger.info(
      {
        model: model.name,
        version: model.version,
        reference: model.ref,
        previous: previous?.version ?? null,
        loadMs: Math.round(model.loadMs),
      },
      previous === undefined ? "model loaded" : "model swapped",
    );
  } else if (event.type === "refused") {
    logger.error(
      { model: event.name, version: event.version, err: event.error },
      "model version refused; previous version keeps serving",
    );
  } else {
    logger.warn({ reference: event.ref, reason: event.error.message }, "model reference not resolved");
  }
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const logger: FastifyBaseLogger =
    options.logger ?? pino({ level: options.logLevel ?? "info", base: { service: "sift" } });
  const limits = serveLimits(options.limits ?? {});
  const refs = (options.models ?? [DEFAULT_MODEL_REF]).map(parseModelRef);
  const registry = openRegistry(options.store);
  const source = registrySource(registry);
  const manager = new ModelManager({ source, refs, pollMs: options.pollMs ?? 250 });
  const metrics = new ServeMetrics();
  const loop = await startProductionLoop(options.loop, {
    manager,
    registry,
    source,
    metricsRegistry: metrics.registry,
    logger,
  });
  const predictor = new Predictor(loop.router, (error) =>
    logger.error({ err: error }, "prediction hook failed"),
  );
  predictor.onPrediction((event) => metrics.observePredictions(event.model, event.predictions));
  if (options.onPrediction !== undefined) predictor.onPrediction(options.onPrediction);
  loop.attach(predictor);
  manager.onEvent((event) => {
    metrics.observeModelEvent(event);
    logModelEvent(logger, event);
  });

  let draining = false;
  const isDraining = () => draining;
  const app = await createServer({
    manager,
    predictor,
    metrics,
    limits,
    logger,
    logSentences: options.logSentences === true,
    docs: options.docs !== false,
    draining: isDraining,
    loop,
  });
  const host = options.host ?? "127.0.0.1";
  await app.listen({ host, port: options.port ?? 8080 });
  const port = (app.server.address() as AddressInfo).port;
  const grpcWanted = options.grpcPort === undefined ? 50051 : options.grpcPort;
  let grpc: RunningGrpcServer | undefined;
  try {
    grpc =
      grpcWanted === null
        ? undefined
        : await startGrpcServer(
            { manager, predictor, metrics, limits, logger, draining: isDraining },
            host,
            grpcWanted,
          );
  } catch (error) {
    await app.close();
    registry.close();
    throw error;
  }
  const loaded = manager.start().then(() => loop.start());
  logger.info(
    { url: `http://${host}:${port}`, grpcPort: grpc?.port ?? null, models: refs.map(formatModelRef) },
    "sift serving",
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      const stopped = manager.stop();
      const drainMs = options.drainMs ?? 10_000;
      const force = setTimeout(() => app.server.closeAllConnections(), drainMs);
      await Promise.all([app.close(), grpc?.close(drainMs)]);
      clearTimeout(force);
      await Promise.all([stopped, loaded.catch(() => undefined)]);
      await loop.close();
      registry.close();
      logger.info("sift stopped");
    })();
    return closing;
  };
  return {
    app,
    manager,
    predictor,
    metrics,
    registry,
    loop,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    grpcPort: grpc?.port ?? null,
    loaded,
    close,
  };
}
