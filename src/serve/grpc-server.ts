/**
 * The gRPC server: sift.v1.Predictor and inference.GRPCInferenceService on one port. Each handler
 * is a plain function request → response; `unary` adds error mapping, metrics and logs. This file
 * is imported only when a gRPC server starts (see grpc-start.ts): grpc-js, protobufjs and the
 * .proto parsing were a third of a start's CPU time.
 */
import { performance } from "node:perf_hooks";
import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServerWritableStream,
  type ServiceDefinition,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { loadSync, type PackageDefinition } from "@grpc/proto-loader";
import type { FastifyBaseLogger } from "fastify";
import { isSiftError } from "../errors.ts";
import { toGrpcError } from "./grpc-errors.ts";
import {
  HEALTH_PROTO,
  HEALTH_SERVICE,
  PROTO_OPTIONS,
  SIFT_PROTO,
  SIFT_SERVICE,
  V2_PROTO,
  V2_SERVICE,
} from "./grpc-protos.ts";
import { siftGrpcHandlers } from "./grpc-sift.ts";
import { v2GrpcHandlers } from "./grpc-v2.ts";
import type { ServeMetrics } from "./metrics.ts";
import type { ModelManager } from "./model-manager.ts";
import type { Predictor } from "./predictor.ts";
import type { ServeLimits } from "./types.ts";

export interface GrpcServerOptions {
  readonly manager: ModelManager;
  readonly predictor: Predictor;
  readonly metrics: ServeMetrics;
  readonly limits: ServeLimits;
  readonly logger?: FastifyBaseLogger;
  readonly draining?: () => boolean;
}

export interface RunningGrpcServer {
  readonly port: number;
  /** Stops taking calls, lets running ones finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

let protos: PackageDefinition | undefined;

/** Parses the .proto files (once per process; the first call takes ~25 ms of CPU). */
export function loadServiceDefinitions(): void {
  protos ??= loadSync([SIFT_PROTO, V2_PROTO, HEALTH_PROTO], PROTO_OPTIONS);
}

function serviceDefinition(
  name: typeof SIFT_SERVICE | typeof V2_SERVICE | typeof HEALTH_SERVICE,
): ServiceDefinition {
  loadServiceDefinitions();
  return (protos as PackageDefinition)[name] as ServiceDefinition;
}

type Handlers = Record<string, (request: never) => unknown>;

/**
 * grpc.health.v1.Health Check: the server ("") and each served model name are SERVING once a
 * verified model is loaded (REST's /readyz), NOT_SERVING before that and while draining.
 */
function healthHandlers(manager: ModelManager, draining: () => boolean): Handlers {
  return {
    Check: (request: { service: string }) => {
      if (draining()) return { status: "NOT_SERVING" };
      if (request.service === "") return { status: manager.ready() ? "SERVING" : "NOT_SERVING" };
      try {
        // A name not served here is NOT_FOUND (MODEL_NOT_SERVED), as the protocol asks.
        manager.route({ model: request.service });
        return { status: "SERVING" };
      } catch (error) {
        if (isSiftError(error) && error.code === "NOT_READY") return { status: "NOT_SERVING" };
        throw error;
      }
    },
  };
}

function wrap(service: string, handlers: Handlers, options: GrpcServerOptions): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    const route = `/${service}/${method}`;
    const unary: handleUnaryCall<unknown, unknown> = (call, callback) => {
      const started = performance.now();
      let code: status = status.OK;
      try {
        callback(null, handler(call.request as never));
      } catch (error) {
        const grpcError = toGrpcError(error);
        code = grpcError.code;
        if (!isSiftError(error) || code === status.INTERNAL)
          options.logger?.error({ err: error, route }, "grpc call failed");
        callback(grpcError);
      }
      const seconds = (performance.now() - started) / 1000;
      options.metrics.observeRequest("grpc", "unary", route, status[code], seconds);
      options.logger?.info({ route, status: status[code], ms: Math.round(seconds * 1e5) / 100 }, "grpc call");
    };
    out[method] = unary;
  }
  return out;
}

export async function startGrpcServer(
  options: GrpcServerOptions,
  host: string,
  port: number,
): Promise<RunningGrpcServer> {
  const { manager, predictor, limits } = options;
  const draining = options.draining ?? (() => false);
  const server = new Server({
    "grpc.max_receive_message_length": limits.bodyLimit,
    "grpc.max_send_message_length": limits.bodyLimit * 2,
  });
  server.addService(
    serviceDefinition(SIFT_SERVICE),
    wrap(SIFT_SERVICE, siftGrpcHandlers(predictor, limits), options),
  );
  server.addService(
    serviceDefinition(V2_SERVICE),
    wrap(V2_SERVICE, v2GrpcHandlers(manager, predictor, limits, draining) as Handlers, options),
  );
  server.addService(serviceDefinition(HEALTH_SERVICE), {
    ...wrap(HEALTH_SERVICE, healthHandlers(manager, draining), options),
    // Optional in the protocol; clients that need a stream poll Check instead.
    Watch: (call: ServerWritableStream<unknown, unknown>) =>
      call.destroy(
        Object.assign(new Error("Watch is not implemented; call Check"), { code: status.UNIMPLEMENTED }),
      ),
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${host.includes(":") ? `[${host}]` : host}:${port}`,
      ServerCredentials.createInsecure(),
      (error, p) => (error === null ? resolve(p) : reject(error)),
    );
  });
  return {
    port: bound,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
