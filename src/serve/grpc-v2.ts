/** inference.GRPCInferenceService: the Open Inference Protocol (KServe V2) over gRPC. */
import { siftError } from "../errors.ts";
import type { ModelManager } from "./model-manager.ts";
import { parseVersion } from "./model-ref.ts";
import type { Predictor } from "./predictor.ts";
import { decodeUtf8 } from "./sentence-checks.ts";
import type { RouteRequest, ServeLimits } from "./types.ts";
import {
  checkV2Input,
  checkV2Sentences,
  requestedOutputs,
  v2ModelMetadata,
  v2OutputTensors,
} from "./v2-tensors.ts";
import { SIFT_VERSION } from "./version.ts";

/** Field names as proto-loader presents them (camelCase, int64 as numbers, defaults filled). */
interface InferInput {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly contents: { readonly bytesContents?: readonly Uint8Array[] } | null;
}

export interface ModelInferRequest {
  readonly modelName: string;
  readonly modelVersion: string;
  readonly id: string;
  readonly inputs: readonly InferInput[];
  readonly outputs: ReadonlyArray<{ readonly name: string }>;
  readonly rawInputContents: readonly Uint8Array[];
}

export interface NameVersion {
  readonly name: string;
  readonly version: string;
}

function routeOf(name: string, version: string): RouteRequest {
  if (name === "")
    throw siftError("INVALID_REQUEST", "model_name is empty; name the model (see ModelMetadata).");
  if (version === "") return { model: name };
  const parsed = parseVersion(version);
  if (parsed === undefined)
    throw siftError(
      "INVALID_REQUEST",
      `model_version ${JSON.stringify(version.slice(0, 40))} is not a number.`,
    );
  return { model: name, version: parsed };
}

/** Raw BYTES: each element is a 4-byte little-endian length followed by that many bytes. */
export function decodeRawBytes(raw: Uint8Array): string[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: string[] = [];
  let at = 0;
  while (at < raw.byteLength) {
    if (at + 4 > raw.byteLength)
      throw siftError("INVALID_REQUEST", "raw_input_contents ends inside a length prefix.");
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > raw.byteLength)
      throw siftError("INVALID_REQUEST", "raw_input_contents ends inside an element.");
    out.push(decodeUtf8(raw.subarray(at, at + length)));
    at += length;
  }
  return out;
}

function sentencesOf(request: ModelInferRequest): string[] {
  const raw = request.rawInputContents;
  if (raw.length > 0) {
    if (raw.length !== request.inputs.length) {
      throw siftError("INVALID_REQUEST", "raw_input_contents needs one entry per input tensor.");
    }
    return decodeRawBytes(raw[0] ?? new Uint8Array());
  }
  const contents = request.inputs[0]?.contents?.bytesContents ?? [];
  return contents.map((bytes) => decodeUtf8(bytes));
}

export function v2GrpcHandlers(
  manager: ModelManager,
  predictor: Predictor,
  limits: ServeLimits,
  draining: () => boolean,
) {
  return {
    ServerLive: () => ({ live: true }),
    ServerReady: () => ({ ready: manager.ready() && !draining() }),
    ServerMetadata: () => ({ name: "sift", version: SIFT_VERSION, extensions: [] }),
    ModelReady: (request: NameVersion) => {
      try {
        manager.route(routeOf(request.name, request.version));
        return { ready: true };
      } catch (error) {
        if ((error as { code?: string }).code === "NOT_READY") return { ready: false };
        throw error;
      }
    },
    ModelMetadata: (request: NameVersion) =>
      v2ModelMetadata(manager.route(routeOf(request.name, request.version))),
    ModelInfer: (request: ModelInferRequest) => {
      const route = routeOf(request.modelName, request.modelVersion);
      const sentences = sentencesOf(request);
      checkV2Input(request.inputs, sentences.length, limits);
      checkV2Sentences(sentences, limits);
      const names = requestedOutputs(request.outputs);
      const outcome = predictor.predict({ sentences, route, protocol: "grpc-v2" });
      const outputs = v2OutputTensors(outcome, names).map((tensor) => ({
        name: tensor.name,
        datatype: tensor.datatype,
        shape: tensor.shape,
        contents:
          tensor.datatype === "FP64"
            ? { fp64Contents: tensor.data }
            : { bytesContents: (tensor.data as string[]).map((text) => Buffer.from(text, "utf8")) },
      }));
      return {
        modelName: outcome.model.name,
        modelVersion: String(outcome.model.version),
        id: request.id,
        outputs,
      };
    },
  };
}
