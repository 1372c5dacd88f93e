/** SiftError → gRPC status: the catalogue's HTTP status picks the code; the sift code rides in metadata. */
import { Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { isSiftError, type SiftError, siftError } from "../errors.ts";

const BY_HTTP_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  404: status.NOT_FOUND,
  405: status.UNIMPLEMENTED,
  408: status.DEADLINE_EXCEEDED,
  409: status.FAILED_PRECONDITION,
  413: status.RESOURCE_EXHAUSTED,
  415: status.INVALID_ARGUMENT,
  503: status.UNAVAILABLE,
};

export function grpcStatusOf(error: SiftError): status {
  return BY_HTTP_STATUS[error.status] ?? status.INTERNAL;
}

export function toGrpcError(error: unknown): Partial<ServiceError> & { code: status; details: string } {
  const sift = isSiftError(error)
    ? error
    : siftError("INTERNAL", error instanceof Error ? error.message : String(error));
  const metadata = new Metadata();
  metadata.set("sift-error-code", sift.code);
  return {
    code: grpcStatusOf(sift),
    details: sift.message,
    metadata,
    name: sift.code,
    message: sift.message,
  };
}
