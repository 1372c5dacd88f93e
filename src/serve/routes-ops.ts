/** Operations endpoints: liveness, readiness, Prometheus metrics. */
import { siftError } from "../errors.ts";
import type { RouteContext, SiftApp } from "./http-context.ts";
import { refuseOtherMethods } from "./http-methods.ts";
import { ErrorBody, Health, Readiness } from "./schemas.ts";

export function registerOpsRoutes(app: SiftApp, context: RouteContext): void {
  const { manager, metrics } = context;

  app.get(
    "/healthz",
    { schema: { tags: ["operations"], summary: "Liveness: the process answers", response: { 200: Health } } },
    () => ({ status: "ok" }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["operations"],
        summary: "Readiness: 200 once a verified model is loaded, 503 before and while shutting down",
        response: { 200: Readiness, 503: ErrorBody },
      },
    },
    () => {
      if (context.draining()) throw siftError("SHUTTING_DOWN");
      if (!manager.ready()) throw siftError("NOT_READY");
      return { status: "ready", models: manager.served().map((m) => ({ name: m.name, version: m.version })) };
    },
  );

  app.get(
    "/metrics",
    { schema: { tags: ["operations"], summary: "Prometheus metrics (text exposition format)" } },
    async (_request, reply) => {
      const body = await metrics.text();
      return reply.type(metrics.contentType()).send(body);
    },
  );

  for (const url of ["/healthz", "/readyz", "/metrics"]) refuseOtherMethods(app, url, ["GET"]);
}
