/**
 * POST /v1/predict straight on the node:http request. Under load, Fastify's request pipeline
 * (routing, hooks, the reply object, content-type parsing, serialisation) cost about three times
 * the model's own time on a single sentence, so the one route that carries the traffic is
 * answered here and everything else goes on to Fastify.
 *
 * It is the same route, not a second one: the body goes through the same parser (json-body.ts)
 * and the same schema, compiled by the Ajv instance Fastify uses (schema-compilers.ts); the
 * answer comes from `predictAnswer`, the Fastify route's own function; errors are the same
 * catalogued bodies, with the same x-request-id header, request metrics and log lines. The route
 * stays registered in Fastify, which documents it in OpenAPI and serves every request this path
 * passes on: anything but a plain JSON body of known length within the body limit (other content
 * types, chunked bodies, oversized bodies) goes to Fastify before a byte of the body is read, so
 * Fastify's 413, 415 and framing errors are unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger } from "fastify";
import type { RouteContext } from "./http-context.ts";
import { errorBody, toSiftError, validationError } from "./http-errors.ts";
import { parseJsonBody } from "./json-body.ts";
import { predictAnswer } from "./routes-v1.ts";
import type { SchemaCompilers } from "./schema-compilers.ts";
import { type PredictBody, predictRequestSchema } from "./schemas.ts";

export const PREDICT_ROUTE = "/v1/predict";

/** Content types answered here; Fastify's parser takes any other spelling it accepts. */
const PLAIN_JSON = new Set(["application/json", "application/json; charset=utf-8"]);
const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
const DECIMAL = /^[0-9]{1,15}$/;

export interface HotPathOptions {
  readonly context: RouteContext;
  readonly logger: FastifyBaseLogger | undefined;
  /** Log successful requests too (the logger is at debug). */
  readonly debug: boolean;
  /** The request id, as Fastify's genReqId makes it. */
  readonly requestId: (request: IncomingMessage) => string;
  /** Fastify's compilers: the body schema is compiled by the Ajv instance Fastify uses. */
  readonly compilers: SchemaCompilers;
}

interface Outcome {
  readonly status: number;
  readonly text: string;
  readonly failure?: unknown;
}

/** Whether `request` is one the hot path answers; decided from the request line and headers. */
function isPlainPredict(request: IncomingMessage, bodyLimit: number): boolean {
  if (request.method !== "POST") return false;
  const url = request.url ?? "";
  if (url !== PREDICT_ROUTE && !url.startsWith(`${PREDICT_ROUTE}?`)) return false;
  const { headers } = request;
  const type = headers["content-type"];
  if (type === undefined || !PLAIN_JSON.has(type.toLowerCase())) return false;
  if (headers["transfer-encoding"] !== undefined) return false;
  const length = headers["content-length"];
  if (length === undefined || !DECIMAL.test(length)) return false;
  const bytes = Number(length);
  return bytes > 0 && bytes <= bodyLimit;
}

/**
 * The server's request listener in front of Fastify's: answers plain POST /v1/predict requests
 * and hands every other request to `fastify` untouched.
 */
export function predictHotPath(
  options: HotPathOptions,
  fastify: (request: IncomingMessage, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  const { context, logger, debug, requestId } = options;
  const { limits } = context;
  const validate = options.compilers.bodyValidator(predictRequestSchema(limits), "POST", PREDICT_ROUTE);

  /** The status and body for one request; a 5xx that is a bug also returns the error to log. */
  function outcome(request: IncomingMessage, id: string, bytes: Buffer): Outcome {
    try {
      const body = parseJsonBody(bytes);
      if (!validate(body)) throw validationError(validate.errors ?? [], "body", limits);
      const predictBody = body as PredictBody;
      if (context.logSentences)
        logger?.child({ reqId: id }).info({ sentences: [predictBody.sentence] }, "sentences");
      return { status: 200, text: JSON.stringify(predictAnswer(context, predictBody, request.headers)) };
    } catch (error) {
      const sift = toSiftError(error, limits, request.headers["content-type"]);
      const bug = sift.status >= 500 && sift.code !== "NOT_READY" && sift.code !== "SHUTTING_DOWN";
      return {
        status: sift.status,
        text: JSON.stringify(errorBody(sift)),
        ...(bug ? { failure: error } : {}),
      };
    }
  }

  /** Fastify's error handler and onResponse hook (http-app.ts), for one answered request. */
  function logRequest(id: string, { status, failure }: Outcome, ms: number): void {
    if (logger === undefined || (status < 400 && !debug)) return;
    const log = logger.child({ reqId: id });
    if (failure !== undefined) log.error({ err: failure }, "request failed");
    const entry = { method: "POST", route: PREDICT_ROUTE, status, ms: Math.round(ms * 100) / 100 };
    if (status >= 500) log.warn(entry, "request");
    else if (status >= 400) log.info(entry, "request");
    else log.debug(entry, "request");
  }

  function answer(
    request: IncomingMessage,
    response: ServerResponse,
    id: string,
    bytes: Buffer,
    started: number,
  ) {
    const result = outcome(request, id, bytes);
    response.writeHead(result.status, {
      "x-request-id": id,
      "content-type": JSON_CONTENT_TYPE,
      "content-length": Buffer.byteLength(result.text),
    });
    response.end(result.text);
    const ms = performance.now() - started;
    context.metrics.observeRequest("http", "POST", PREDICT_ROUTE, result.status, ms / 1000);
    logRequest(id, result, ms);
  }

  return (request, response) => {
    if (!isPlainPredict(request, limits.bodyLimit)) {
      fastify(request, response);
      return;
    }
    const started = performance.now();
    const id = requestId(request);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      answer(request, response, id, bytes, started);
    });
  };
}
