/**
 * A running sift service: registry → model manager → HTTP (REST, V2, docs, metrics) and gRPC,
 * with graceful shutdown. The model starts loading first and the HTTP app is built while the
 * production loop opens (its log writer thread starts); the HTTP port opens as soon as the app
 * and the loop are (liveness answers while a slow model still loads); readiness turns 200 when a verified
 * model is in place. gRPC starts after that first load and once the port is open, so REST's time
 * to ready does not include loading grpc-js and parsing the .proto files: for a moment after
 * /readyz first answers 200, gRPC is not up yet (its own readiness: ServerReady over gRPC).
 */
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import { openRegistry, type Registry } from "../registry/index.ts";
import type { RunningGrpcServer } from "./grpc-server.ts";
import { startGrpcServer } from "./grpc-start.ts";
import { createServer } from "./http-app.ts";
import type { SiftApp } from "./http-context.ts";
import { type ServeLimitsInput, serveLimits } from "./limits.ts";
import { ServeMetrics } from "./metrics.ts";
import { ModelManager } from "./model-manager.ts";
import { DEFAULT_MODEL_REF, formatModelRef, parseModelRef } from "./model-ref.ts";
import { registrySource } from "./model-source.ts";
import { type ModelRouter, Predictor } from "./predictor.ts";
import { type ProductionLoop, type ProductionLoopOptions, startProductionLoop } from "./production-loop.ts";
import { SchemaCompilers } from "./schema-compilers.ts";
import type { ModelEvent, PredictionHook } from "./types.ts";
import { capHeapGrowth } from "./young-generation.ts";

/** Time between turning ready and compiling the remaining route schemas (lets /readyz answer first). */
const COMPILE_AFTER_READY_MS = 250;
/** How long REST serves alone once the model is loaded and the port open, before gRPC starts. */
const GRPC_SETTLE_MS = 20;

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
  /** Resolves once the first load attempt finished (ready or not) and traffic policies applied. */
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
  capHeapGrowth();
  const logger: FastifyBaseLogger =
    options.logger ?? pino({ level: options.logLevel ?? "info", base: { service: "sift" } });
  const limits = serveLimits(options.limits ?? {});
  const refs = (options.models ?? [DEFAULT_MODEL_REF]).map(parseModelRef);
  const registry = openRegistry(options.store);
  const source = registrySource(registry);
  const manager = new ModelManager({ source, refs, pollMs: options.pollMs ?? 250 });
  const metrics = new ServeMetrics();
  manager.onEvent((event) => {
    metrics.observeModelEvent(event);
    logModelEvent(logger, event);
  });
  // The model loads (file reads, verification, building the classifier) and the HTTP app is built
  // on the main thread while the production loop opens (the prediction log's writer thread
  // starts). Model events wait until the loop listens to them too.
  const releaseEvents = manager.holdEvents();
  const firstLoad = manager.start();
  // No request reaches the predictor before the port opens, which is after the loop has opened.
  let router: ModelRouter | undefined;
  const predictor = new Predictor({ route: (request) => (router as ModelRouter).route(request) }, (error) =>
    logger.error({ err: error }, "prediction hook failed"),
  );
  predictor.onPrediction((event) => metrics.observePredictions(event.model, event.predictions));
  if (options.onPrediction !== undefined) predictor.onPrediction(options.onPrediction);
  const loopOpened = startProductionLoop(options.loop, {
    manager,
    registry,
    source,
    metricsRegistry: metrics.registry,
    logger,
  }).then((loop) => {
    router = loop.router;
    loop.attach(predictor);
    releaseEvents();
    return loop;
  });
  const loaded = Promise.all([firstLoad, loopOpened]).then(([, loop]) => loop.start());

  let draining = false;
  const isDraining = () => draining;
  let app: SiftApp | undefined;
  let grpc: RunningGrpcServer | undefined;
  // Route schemas compile on first use, and all of them just after the service turns ready:
  // readiness does not wait for ~40 schemas, and a bad schema is still reported at start-up.
  const schemaCompilers = new SchemaCompilers();
  void loaded.then(
    () => {
      setTimeout(() => {
        try {
          schemaCompilers.compileDeferred();
        } catch (error) {
          logger.error({ err: error }, "a route schema does not compile");
        }
      }, COMPILE_AFTER_READY_MS).unref();
    },
    // A start that fails is reported by startService itself (below).
    () => undefined,
  );
  const host = options.host ?? "127.0.0.1";
  try {
    app = await createServer({
      manager,
      predictor,
      metrics,
      limits,
      logger,
      logSentences: options.logSentences === true,
      docs: options.docs !== false,
      draining: isDraining,
      loop: loopOpened,
      schemaCompilers,
    });
    await app.listen({ host, port: options.port ?? 8080 });
    const grpcWanted = options.grpcPort === undefined ? 50051 : options.grpcPort;
    if (grpcWanted !== null) {
      await firstLoad;
      // REST serves alone for a moment first: the requests that waited for it (readiness probes,
      // the first traffic) are answered before gRPC's ~60 ms of synchronous start-up.
      await sleep(GRPC_SETTLE_MS);
      grpc = await startGrpcServer(
        { manager, predictor, metrics, limits, logger, draining: isDraining },
        host,
        grpcWanted,
      );
    }
  } catch (error) {
    await manager.stop();
    await app?.close();
    await loaded.catch(() => undefined);
    await (await loopOpened.catch(() => undefined))?.close();
    await firstLoad.catch(() => undefined);
    registry.close();
    throw error;
  }
  const loop = await loopOpened;
  const http = app;
  const port = (http.server.address() as AddressInfo).port;
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
      const force = setTimeout(() => http.server.closeAllConnections(), drainMs);
      await Promise.all([http.close(), grpc?.close(drainMs)]);
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
