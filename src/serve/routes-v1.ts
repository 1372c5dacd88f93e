/** sift's own REST API: /v1/predict, /v1/predict/batch, /v1/models. */
import type { RouteContext, SiftApp } from "./http-context.ts";
import { refuseOtherMethods } from "./http-methods.ts";
import {
  BatchResponse,
  batchRequestSchema,
  ErrorBody,
  ModelInfo,
  type ModelInfoBody,
  ModelList,
  ModelNameParams,
  type PredictAnswer,
  type PredictBody,
  PredictResponse,
  predictRequestSchema,
} from "./schemas.ts";
import type { ServedModel } from "./types.ts";

const ERRORS = { 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody };

export function modelInfo(model: ServedModel): ModelInfoBody {
  const { manifest } = model;
  return {
    name: model.name,
    version: model.version,
    reference: model.ref,
    labels: { positive: manifest.labels.positive, negative: manifest.labels.negative },
    threshold: manifest.threshold,
    createdAt: manifest.createdAt,
    loadedAt: model.loadedAt,
    loadMs: model.loadMs,
    dataFingerprint: manifest.dataFingerprint,
    runId: manifest.runId,
    metrics: { validation: { ...manifest.metrics.validation }, test: { ...manifest.metrics.test } },
  };
}

type Headers = Record<string, string | string[] | undefined>;

/** The A/B key: body `key`, else header `x-sift-key` (see traffic.ts). */
function stickyKey(body: { key?: string }, headers: Headers): string | undefined {
  const header = headers["x-sift-key"];
  return body.key ?? (typeof header === "string" && header.length > 0 ? header.slice(0, 200) : undefined);
}

/**
 * The answer to POST /v1/predict for a body that passed the schema. Shared by the Fastify route
 * and the hot path (predict-hot-path.ts), so both answer the same thing.
 */
export function predictAnswer(context: RouteContext, body: PredictBody, headers: Headers): PredictAnswer {
  const outcome = context.predictor.predict({
    sentences: [body.sentence],
    explain: body.explain === true,
    protocol: "rest",
    route: { key: stickyKey(body, headers) },
  });
  const { model } = outcome;
  const prediction = outcome.predictions[0];
  return {
    label: prediction?.label ?? "",
    probability: prediction?.probability ?? 0,
    threshold: model.manifest.threshold,
    model: { name: model.name, version: model.version },
    id: prediction?.id ?? "",
    ...(outcome.explanation === undefined
      ? {}
      : { explanation: { ...outcome.explanation, features: [...outcome.explanation.features] } }),
  };
}

export function registerV1Routes(app: SiftApp, context: RouteContext): void {
  const { predictor, manager, limits } = context;

  app.post(
    "/v1/predict",
    {
      schema: {
        tags: ["predict"],
        summary: "Classify one sentence",
        description:
          "Returns the label, P(positive), the threshold used and the model version that answered.",
        body: predictRequestSchema(limits),
        response: { 200: PredictResponse, ...ERRORS },
      },
    },
    (request) => {
      if (context.logSentences) request.log.info({ sentences: [request.body.sentence] }, "sentences");
      return predictAnswer(context, request.body, request.headers);
    },
  );

  app.post(
    "/v1/predict/batch",
    {
      schema: {
        tags: ["predict"],
        summary: "Classify many sentences at once",
        description: `Up to ${limits.maxBatch} sentences; predictions come back in request order.`,
        body: batchRequestSchema(limits),
        response: { 200: BatchResponse, ...ERRORS },
      },
    },
    (request) => {
      const { sentences } = request.body;
      if (context.logSentences) request.log.info({ sentences }, "sentences");
      const { model, predictions } = predictor.predict({
        sentences,
        protocol: "rest",
        route: { key: stickyKey(request.body, request.headers) },
      });
      return {
        predictions,
        threshold: model.manifest.threshold,
        model: { name: model.name, version: model.version },
      };
    },
  );

  app.get(
    "/v1/models",
    {
      schema: {
        tags: ["models"],
        summary: "Models this server serves",
        response: { 200: ModelList },
      },
    },
    () => ({ models: manager.served().map(modelInfo) }),
  );

  app.get(
    "/v1/models/:name",
    {
      schema: {
        tags: ["models"],
        summary: "One served model: version, labels, threshold, metrics",
        params: ModelNameParams,
        response: { 200: ModelInfo, 400: ErrorBody, 404: ErrorBody, 503: ErrorBody },
      },
    },
    (request) => modelInfo(manager.route({ model: request.params.name })),
  );

  refuseOtherMethods(app, "/v1/predict", ["POST"]);
  refuseOtherMethods(app, "/v1/predict/batch", ["POST"]);
  refuseOtherMethods(app, "/v1/models", ["GET"]);
  refuseOtherMethods(app, "/v1/models/:name", ["GET"]);
}
