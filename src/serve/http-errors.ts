/**
 * Turns everything that can go wrong in a request into a catalogued SiftError, so every error
 * body is `{"error": {"code", "message"}}` with the catalogue's status. Client mistakes map to
 * 4xx; only a real bug in sift becomes INTERNAL (500).
 */
import type { FastifySchemaValidationError } from "fastify";
import { isSiftError, type SiftError, siftError } from "../errors.ts";
import { NON_BLANK } from "./schemas.ts";
import type { ServeLimits } from "./types.ts";

/** `body` + `/sentences/3` → `body.sentences[3]`, the way a user would write it. */
export function fieldPath(dataVar: string, instancePath: string): string {
  let out = dataVar;
  for (const part of instancePath.split("/").slice(1)) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    out += /^[0-9]+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return out;
}

function quoted(value: unknown): string {
  return JSON.stringify(String(value)).slice(0, 80);
}

/** The first schema violation, as a message that names the field and what to send instead. */
export function validationError(
  errors: readonly FastifySchemaValidationError[],
  dataVar: string,
  limits: ServeLimits,
): SiftError {
  const first = errors[0];
  if (first === undefined) return siftError("INVALID_REQUEST", `The request ${dataVar} is invalid.`);
  const path = fieldPath(dataVar, first.instancePath);
  const params = first.params as Record<string, unknown>;
  switch (first.keyword) {
    case "maxLength":
      return siftError("SENTENCE_TOO_LONG", path, limits.maxSentenceLength);
    case "maxItems":
      return params.limit === limits.maxBatch
        ? siftError("BATCH_TOO_LARGE", path, limits.maxBatch)
        : siftError("INVALID_REQUEST", `${path} holds more than ${String(params.limit)} items.`);
    case "minLength":
      return siftError("EMPTY_SENTENCE", path);
    case "pattern":
      return params.pattern === NON_BLANK
        ? siftError("EMPTY_SENTENCE", path)
        : siftError(
            "INVALID_REQUEST",
            `${path} is not a valid value (it must match ${String(params.pattern)}).`,
          );
    case "required":
      return siftError("INVALID_REQUEST", `${path} is missing the field ${quoted(params.missingProperty)}.`);
    case "additionalProperties":
      return siftError(
        "INVALID_REQUEST",
        `${path} has a field sift does not know: ${quoted(params.additionalProperty)}. See /docs for the fields.`,
      );
    case "minItems":
      return siftError("INVALID_REQUEST", `${path} is empty; send at least one item.`);
    case "type":
      return siftError("INVALID_REQUEST", `${path} must be ${String(params.type)}.`);
    default:
      return siftError("INVALID_REQUEST", `${path} ${first.message ?? "is invalid"}.`);
  }
}

interface FrameworkError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly message?: unknown;
}

function frameworkCode(error: unknown): string {
  const code = (error as FrameworkError | null)?.code;
  return typeof code === "string" ? code : "";
}

function frameworkStatus(error: unknown): number {
  const status = (error as FrameworkError | null)?.statusCode;
  return typeof status === "number" ? status : 500;
}

function frameworkMessage(error: unknown): string {
  const message = (error as FrameworkError | null)?.message;
  return typeof message === "string" ? message : String(error);
}

/** Maps Fastify's own errors (parsing, limits, timeouts) to the catalogue. */
export function toSiftError(error: unknown, limits: ServeLimits, contentType: string | undefined): SiftError {
  if (isSiftError(error)) return error;
  switch (frameworkCode(error)) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return siftError("BODY_TOO_LARGE", limits.bodyLimit);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_TYPE":
      return siftError(
        "UNSUPPORTED_MEDIA_TYPE",
        JSON.stringify(String(contentType ?? "(none)").slice(0, 100)),
      );
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return siftError("INVALID_JSON", "the body is empty", '{"sentence": "..."}');
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return siftError("INVALID_REQUEST", "The Content-Length header does not match the body.");
    case "FST_ERR_HANDLER_TIMEOUT":
      return siftError("HANDLER_TIMEOUT", limits.handlerTimeoutMs);
    default:
      break;
  }
  const status = frameworkStatus(error);
  if (status >= 400 && status < 500)
    return siftError("INVALID_REQUEST", `${frameworkMessage(error).slice(0, 200)}.`);
  return siftError("INTERNAL", frameworkMessage(error).slice(0, 200));
}

/** The one error body shape. */
export function errorBody(error: SiftError): { error: { code: string; message: string } } {
  return { error: { code: error.code, message: error.message } };
}
