/**
 * Where the .proto files are and how to load them. Servers and clients (tests, other services in
 * Node) load them with the same options, so field names are camelCase and int64 values are
 * numbers. Only names here: the gRPC libraries load with the gRPC server (grpc-server.ts).
 */
import { fileURLToPath } from "node:url";
import type { Options } from "@grpc/proto-loader";

export const PROTO_DIR = fileURLToPath(new URL("../../proto/", import.meta.url));
export const SIFT_PROTO = `${PROTO_DIR}sift.proto`;
export const V2_PROTO = `${PROTO_DIR}grpc_predict_v2.proto`;
export const HEALTH_PROTO = `${PROTO_DIR}health.proto`;

export const PROTO_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export const SIFT_SERVICE = "sift.v1.Predictor";
export const V2_SERVICE = "inference.GRPCInferenceService";
export const HEALTH_SERVICE = "grpc.health.v1.Health";
