/**
 * 405 for a known path called with the wrong method. Fastify answers 404 there; registering the
 * other methods on each path (hidden from the document) lets the answer say what is allowed.
 */
import { siftError } from "../errors.ts";
import type { SiftApp } from "./http-context.ts";
import { errorBody } from "./http-errors.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export function refuseOtherMethods(app: SiftApp, url: string, allowed: readonly ("GET" | "POST")[]): void {
  const others = METHODS.filter((method) => !(allowed as readonly string[]).includes(method));
  const allow = allowed.includes("GET") ? [...allowed, "HEAD"] : [...allowed];
  app.route({
    method: others,
    url,
    schema: { hide: true },
    handler: (request, reply) => {
      const error = siftError("METHOD_NOT_ALLOWED", request.method, url);
      return reply.code(error.status).header("allow", allow.join(", ")).send(errorBody(error));
    },
  });
}
