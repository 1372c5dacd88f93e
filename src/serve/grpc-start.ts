/**
 * Starts the gRPC server, loading its libraries on first use: a server started without gRPC, and
 * `sift predict`, never pay for grpc-js and the .proto parsing.
 */
import type { GrpcServerOptions, RunningGrpcServer } from "./grpc-server.ts";

export async function startGrpcServer(
  options: GrpcServerOptions,
  host: string,
  port: number,
): Promise<RunningGrpcServer> {
  const grpc = await import("./grpc-server.ts");
  return grpc.startGrpcServer(options, host, port);
}
