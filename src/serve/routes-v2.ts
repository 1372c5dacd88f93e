/**
 * The Open Inference Protocol (KServe V2) over REST, under /v2, so standard inference clients
 * call sift unchanged. Errors keep sift's shape ({"error": {"code", "message"}}); V2 clients read
 * the status code.
 */
import type { Static } from "typebox";
import { siftError } from "../errors.ts";
import type { RouteContext, SiftApp } from "./http-context.ts";
import { refuseOtherMethods } from "./http-methods.ts";
import { parseVersion } from "./model-ref.ts";
import { ErrorBody, ModelNameParams, ModelVersionParams } from "./schemas.ts";
import {
  V2InferRequest,
  V2InferResponse,
  V2Live,
  V2ModelMetadataBody,
  V2ModelReady,
  V2Ready,
  V2ServerMetadata,
} from "./v2-schemas.ts";
import {
  checkV2Input,
  checkV2Sentences,
  requestedOutputs,
  sentencesFromJsonData,
  v2ModelMetadata,
  v2OutputTensors,
} from "./v2-tensors.ts";
import { SIFT_VERSION } from "./version.ts";

const ERRORS = { 400: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody };
const TAGS = ["open inference protocol (v2)"];

type Params = { name: string; version?: string };

function routeOf(params: Params): { model: string; version: number | undefined } {
  if (params.version === undefined) return { model: params.name, version: undefined };
  const version = parseVersion(params.version);
  if (version === undefined)
    throw siftError("INVALID_REQUEST", `Version ${JSON.stringify(params.version)} is not a number.`);
  return { model: params.name, version };
}

export function registerV2Routes(app: SiftApp, context: RouteContext): void {
  const { manager, predictor, limits } = context;

  app.get(
    "/v2/health/live",
    { schema: { tags: TAGS, summary: "Server live", response: { 200: V2Live } } },
    () => ({
      live: true,
    }),
  );

  app.get(
    "/v2/health/ready",
    { schema: { tags: TAGS, summary: "Server ready", response: { 200: V2Ready, 503: ErrorBody } } },
    () => {
      if (!manager.ready() || context.draining()) throw siftError("NOT_READY");
      return { ready: true };
    },
  );

  app.get(
    "/v2",
    { schema: { tags: TAGS, summary: "Server metadata", response: { 200: V2ServerMetadata } } },
    () => ({
      name: "sift",
      version: SIFT_VERSION,
      extensions: [],
    }),
  );

  const metadata = (request: { params: Params }) => v2ModelMetadata(manager.route(routeOf(request.params)));
  const ready = (request: { params: Params }) => {
    const model = manager.route(routeOf(request.params));
    return { name: model.name, ready: true };
  };
  const infer = (request: { params: Params; body: Static<typeof V2InferRequest> }) => {
    const { body } = request;
    const input = body.inputs[0];
    const sentences = sentencesFromJsonData(input?.data ?? []);
    checkV2Input(body.inputs, sentences.length, limits);
    checkV2Sentences(sentences, limits);
    const names = requestedOutputs(body.outputs);
    if (context.logSentences) app.log.info({ sentences }, "sentences");
    const outcome = predictor.predict({ sentences, route: routeOf(request.params), protocol: "v2" });
    return {
      model_name: outcome.model.name,
      model_version: String(outcome.model.version),
      ...(body.id === undefined ? {} : { id: body.id }),
      outputs: v2OutputTensors(outcome, names),
    };
  };

  const metaSchema = { tags: TAGS, response: { 200: V2ModelMetadataBody, ...ERRORS } };
  const readySchema = { tags: TAGS, response: { 200: V2ModelReady, ...ERRORS } };
  const inferSchema = { tags: TAGS, body: V2InferRequest, response: { 200: V2InferResponse, ...ERRORS } };

  app.get(
    "/v2/models/:name",
    { schema: { ...metaSchema, summary: "Model metadata", params: ModelNameParams } },
    metadata,
  );
  app.get(
    "/v2/models/:name/versions/:version",
    { schema: { ...metaSchema, summary: "Model version metadata", params: ModelVersionParams } },
    metadata,
  );
  app.get(
    "/v2/models/:name/ready",
    { schema: { ...readySchema, summary: "Model ready", params: ModelNameParams } },
    ready,
  );
  app.get(
    "/v2/models/:name/versions/:version/ready",
    { schema: { ...readySchema, summary: "Model version ready", params: ModelVersionParams } },
    ready,
  );
  app.post(
    "/v2/models/:name/infer",
    { schema: { ...inferSchema, summary: "Infer", params: ModelNameParams } },
    infer,
  );
  app.post(
    "/v2/models/:name/versions/:version/infer",
    { schema: { ...inferSchema, summary: "Infer with a pinned version", params: ModelVersionParams } },
    infer,
  );

  for (const url of [
    "/v2/health/live",
    "/v2/health/ready",
    "/v2",
    "/v2/models/:name",
    "/v2/models/:name/versions/:version",
  ]) {
    refuseOtherMethods(app, url, ["GET"]);
  }
  refuseOtherMethods(app, "/v2/models/:name/ready", ["GET"]);
  refuseOtherMethods(app, "/v2/models/:name/versions/:version/ready", ["GET"]);
  refuseOtherMethods(app, "/v2/models/:name/infer", ["POST"]);
  refuseOtherMethods(app, "/v2/models/:name/versions/:version/infer", ["POST"]);
}
