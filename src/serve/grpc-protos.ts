/**
 * The .proto files in proto/, loaded once. Servers and clients (tests, other services in Node)
 * load them with the same options, so field names are camelCase and int64 values are numbers.
 */
import { fileURLToPath } from "node:url";
import type { ServiceDefinition } from "@grpc/grpc-js";
import { loadSync, type Options, type PackageDefinition } from "@grpc/proto-loader";

export const PROTO_DIR = fileURLToPath(new URL("../../proto/", import.meta.url));
export const SIFT_PROTO = `${PROTO_DIR}sift.proto`;
export const V2_PROTO = `${PROTO_DIR}grpc_predict_v2.proto`;

export const PROTO_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export const SIFT_SERVICE = "sift.v1.Predictor";
export const V2_SERVICE = "inference.GRPCInferenceService";

let cached: PackageDefinition | undefined;

export function protoDefinitions(): PackageDefinition {
  cached ??= loadSync([SIFT_PROTO, V2_PROTO], PROTO_OPTIONS);
  return cached;
}

export function serviceDefinition(name: typeof SIFT_SERVICE | typeof V2_SERVICE): ServiceDefinition {
  return protoDefinitions()[name] as ServiceDefinition;
}
