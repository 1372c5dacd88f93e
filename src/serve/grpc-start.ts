/**
 * Starts the gRPC server, loading its libraries on first use: a server started without gRPC, and
 * `sift predict`, never pay for grpc-js and the .proto parsing.
 *
 * A server starts gRPC just after REST turns ready (see service.ts). So that REST requests
 * arriving meanwhile are not held up behind the whole of gRPC's start, its two stretches of
 * synchronous work (loading grpc-js, parsing the .proto files: ~25 ms each on a quiet machine)
 * are separate turns of the event loop, with I/O polled before and between them.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { GrpcServerOptions, RunningGrpcServer } from "./grpc-server.ts";

/**
 * Lets the event loop poll for I/O before the next synchronous step: a request that came in
 * during the previous step needs an accept and a read (two polls), and the first setImmediate
 * may run before the loop polls at all (when called from an I/O callback).
 */
async function letIoIn(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await nextTurn();
}

export async function startGrpcServer(
  options: GrpcServerOptions,
  host: string,
  port: number,
): Promise<RunningGrpcServer> {
  await letIoIn();
  const grpc = await import("./grpc-server.ts");
  await letIoIn();
  grpc.loadServiceDefinitions();
  await letIoIn();
  return grpc.startGrpcServer(options, host, port);
}
