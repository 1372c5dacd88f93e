/**
 * serve's public surface: the HTTP app factory, the gRPC server, the model manager, and a whole
 * running service (what `sift serve` starts).
 */

export {
  HEALTH_PROTO,
  HEALTH_SERVICE,
  PROTO_DIR,
  PROTO_OPTIONS,
  SIFT_PROTO,
  SIFT_SERVICE,
  V2_PROTO,
  V2_SERVICE,
} from "./grpc-protos.ts";
export type { GrpcServerOptions, RunningGrpcServer } from "./grpc-server.ts";
export { startGrpcServer } from "./grpc-start.ts";
export type { CreateServerOptions } from "./http-app.ts";
export { createServer } from "./http-app.ts";
export type { SiftApp } from "./http-context.ts";
export { DEFAULT_LIMITS, serveLimits } from "./limits.ts";
export { ServeMetrics } from "./metrics.ts";
export type { ModelManagerOptions, ModelSource } from "./model-manager.ts";
export { ModelManager } from "./model-manager.ts";
export { DEFAULT_MODEL_REF, formatModelRef, parseModelRef } from "./model-ref.ts";
export { registrySource } from "./model-source.ts";
export type { OfflinePredictOptions } from "./offline.ts";
export { predictOffline } from "./offline.ts";
export { isPredictionId, predictionId } from "./prediction-id.ts";
export { Predictor } from "./predictor.ts";
export type { ProductionLoop, ProductionLoopOptions } from "./production-loop.ts";
export { startProductionLoop } from "./production-loop.ts";
export type { RunningService, ServiceOptions } from "./service.ts";
export { startService } from "./service.ts";
export { productionLoopHook, type ShadowStats } from "./shadow-logging.ts";
export { pickVersion, stickyBucket, type TrafficEvent, TrafficRouter } from "./traffic.ts";
export type * from "./types.ts";
