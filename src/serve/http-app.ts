/**
 * The HTTP server: a Fastify app with schema-first routes (REST v1, Open Inference Protocol v2,
 * operations), the OpenAPI document and Swagger UI, one JSON error shape, and metrics and logs
 * for every request. `createServer` fails at set-up, never on a request: schemas compile and
 * options are checked before it returns.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger, type FastifyRequest, LogController } from "fastify";
import { siftError } from "../errors.ts";
import { registerDocsUi } from "./docs-ui.ts";
import type { RouteContext, SiftApp } from "./http-context.ts";
import { errorBody, toSiftError, validationError } from "./http-errors.ts";
import { parseJsonBody } from "./json-body.ts";
import { type ServeLimitsInput, serveLimits } from "./limits.ts";
import { ServeMetrics } from "./metrics.ts";
import type { ModelManager } from "./model-manager.ts";
import { openApiInfo } from "./openapi.ts";
import { predictHotPath } from "./predict-hot-path.ts";
import { predictionId } from "./prediction-id.ts";
import { Predictor } from "./predictor.ts";
import { lazyChildLogger, levelEnabled } from "./request-logger.ts";
import { registerOpsRoutes } from "./routes-ops.ts";
import { registerV1Routes } from "./routes-v1.ts";
import { registerV2Routes } from "./routes-v2.ts";
import { AJV_OPTIONS, SchemaCompilers } from "./schema-compilers.ts";

interface LoopRoutes {
  registerRoutes(app: SiftApp, context: RouteContext): void;
}

export interface CreateServerOptions {
  readonly manager: ModelManager;
  /** Shared with the gRPC server so both transports log predictions the same way. */
  readonly predictor?: Predictor;
  readonly metrics?: ServeMetrics;
  readonly limits?: ServeLimitsInput;
  /** A pino logger; default: no logs. */
  readonly logger?: FastifyBaseLogger;
  readonly logSentences?: boolean;
  /** Serve Swagger UI at /docs (default true). The document is always at /openapi.json. */
  readonly docs?: boolean;
  /** Turns true when shutdown starts (readiness then answers 503). */
  readonly draining?: () => boolean;
  /** The production loop's routes (/v1/feedback, /v1/monitor/summary, /dashboard). */
  readonly loop?: LoopRoutes | Promise<LoopRoutes>;
  /**
   * Compilers that compile route schemas on first use; the caller runs `compileDeferred()` when
   * it suits (the service: once it is ready). Default: compiled right after the app is built.
   */
  readonly schemaCompilers?: SchemaCompilers;
}

const MAX_PARAM_LENGTH = 200;

/**
 * node:http taken from the CommonJS side: an ES module import of it builds its ESM facade, which
 * reads every export, and the WebSocket getters among them load undici (tens of ms at start-up).
 */
const http = process.getBuiltinModule("node:http");

/** Fastify's default keep-alive timeout, which its own server factory sets. */
const FASTIFY_KEEP_ALIVE_MS = 72_000;

/** Incoming `x-request-id` values are echoed only when short and plain, so logs stay clean. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const header = request.headers["x-request-id"];
  return typeof header === "string" && SAFE_REQUEST_ID.test(header) ? header : predictionId();
}

function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? "(unmatched)";
}

/** Socket-level failures (slow or malformed requests) still get a JSON body. */
function clientErrorHandler(requestTimeoutMs: number) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === "ECONNRESET" || !socket.writable) return;
    const sift =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? siftError("REQUEST_TIMEOUT", requestTimeoutMs)
        : siftError("INVALID_REQUEST", "The request is not valid HTTP.");
    const body = JSON.stringify(errorBody(sift));
    socket.end(
      `HTTP/1.1 ${sift.status} ${sift.status === 408 ? "Request Timeout" : "Bad Request"}\r\n` +
        `Connection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  };
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export async function createServer(options: CreateServerOptions): Promise<SiftApp> {
  // The server's request listener: Fastify's until the app is built, then the predict hot path
  // in front of it (see predict-hot-path.ts).
  let listener: RequestListener | undefined;
  const compilers = options.schemaCompilers ?? new SchemaCompilers();
  const limits = serveLimits(options.limits ?? {});
  const metrics = options.metrics ?? new ServeMetrics();
  const logger = options.logger;
  const predictor =
    options.predictor ??
    new Predictor(options.manager, (error) => logger?.error({ err: error }, "prediction hook failed"));
  if (options.predictor === undefined)
    predictor.onPrediction((e) => metrics.observePredictions(e.model, e.predictions));

  const app: SiftApp = Fastify({
    ...(logger === undefined ? { logger: false } : { loggerInstance: logger }),
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    return503OnClosing: false,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    requestIdHeader: false,
    genReqId: requestId,
    clientErrorHandler: clientErrorHandler(limits.requestTimeoutMs),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (error, _request, reply) => {
      const sift =
        error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? siftError("INVALID_REQUEST", `A path segment is longer than ${MAX_PARAM_LENGTH} characters.`)
          : siftError("INVALID_REQUEST", "The URL is not valid (check its percent-encoding).");
      // Framework errors reach a reply typed without our schemas; the body is the usual shape.
      const raw = reply as unknown as { code(status: number): { send(body: unknown): unknown } };
      raw.code(sift.status).send(errorBody(sift));
    },
    ajv: { customOptions: { ...AJV_OPTIONS } },
    schemaController: { compilersFactory: compilers.compilersFactory },
    // What Fastify's own factory does for HTTP/1, with a listener that can be swapped in later.
    serverFactory: (fastify) => {
      listener = fastify;
      const server = http.createServer((request, response) => (listener ?? fastify)(request, response));
      server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_MS;
      server.requestTimeout = limits.requestTimeoutMs;
      return server;
    },
    schemaErrorFormatter: (errors, dataVar) => validationError(errors, dataVar, limits),
  }).withTypeProvider<TypeBoxTypeProvider>();

  installJsonParser(app);
  installErrorHandlers(app, limits);
  installObservability(app, metrics, logger);
  installHandlerTimeout(app, limits.handlerTimeoutMs);

  await app.register(swagger, { openapi: openApiInfo(limits) });
  if (options.docs !== false) registerDocsUi(app);

  const context: RouteContext = {
    manager: options.manager,
    predictor,
    metrics,
    limits,
    logSentences: options.logSentences === true,
    draining: options.draining ?? (() => false),
  };
  registerV1Routes(app, context);
  registerV2Routes(app, context);
  registerOpsRoutes(app, context);
  // A service builds the app while its production loop opens; its routes wait for it.
  (await options.loop)?.registerRoutes(app, context);
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());

  await app.ready();
  const fastify = listener;
  if (fastify !== undefined) {
    const debug = logger !== undefined && levelEnabled(logger, "debug");
    listener = predictHotPath({ context, logger, debug, requestId, compilers }, fastify);
  }
  if (options.schemaCompilers === undefined) compilers.compileDeferred();
  return app;
}

/** JSON only, UTF-8 only: other content types get 415, invalid UTF-8 a 400 (never U+FFFD). */
function installJsonParser(app: SiftApp): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function installErrorHandlers(app: SiftApp, limits: ReturnType<typeof serveLimits>): void {
  app.setErrorHandler((error, request, reply) => {
    const sift = toSiftError(error, limits, request.headers["content-type"]);
    if (sift.status >= 500 && sift.code !== "NOT_READY" && sift.code !== "SHUTTING_DOWN") {
      request.log.error({ err: error }, "request failed");
    }
    return reply.code(sift.status).send(errorBody(sift));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = siftError("ROUTE_NOT_FOUND", request.method, JSON.stringify(request.url.slice(0, 200)));
    return reply.code(error.status).send(errorBody(error));
  });
}

/**
 * Metrics for every request; a log line for every failed one. A request that succeeds is logged
 * at debug only: one JSON line per request cost about a tenth of the predict path's time, and the
 * prediction log and the request metrics already record every prediction.
 */
function installObservability(
  app: SiftApp,
  metrics: ServeMetrics,
  logger: FastifyBaseLogger | undefined,
): void {
  const debug = logger !== undefined && levelEnabled(logger, "debug");
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    done();
  });
  app.addHook("onResponse", (request, reply, done) => {
    const status = reply.statusCode;
    const route = routeLabel(request);
    metrics.observeRequest("http", request.method, route, status, reply.elapsedTime / 1000);
    if (status >= 400 || debug) {
      const entry = { method: request.method, route, status, ms: Math.round(reply.elapsedTime * 100) / 100 };
      if (status >= 500) request.log.warn(entry, "request");
      else if (status >= 400) request.log.info(entry, "request");
      else request.log.debug(entry, "request");
    }
    done();
  });
}

/**
 * The handler timeout applies to routes whose handler awaits something (the prediction log,
 * the registry). Scoring routes answer synchronously, so a timer could never fire before they
 * finish; arming one per request (a timer, an AbortController and a socket listener) cost more
 * than routing the request.
 */
function installHandlerTimeout(app: SiftApp, handlerTimeoutMs: number): void {
  app.addHook("onRoute", (route) => {
    if (route.handler.constructor.name === "AsyncFunction") route.handlerTimeout ??= handlerTimeoutMs;
  });
}
