/**
 * The production loop's HTTP routes: `POST /v1/feedback` (the true label of a prediction, by its
 * id or by the sentence), `GET /v1/monitor/summary` (what the dashboard draws) and the dashboard.
 */
import { Type } from "typebox";
import { siftError } from "../errors.ts";
import type { Monitor } from "../monitor/index.ts";
import type { TrafficPolicy } from "../registry/index.ts";
import { dashboardContent, dashboardPage } from "./dashboard-page.ts";
import type { RouteContext, SiftApp } from "./http-context.ts";
import { ErrorBody } from "./schemas.ts";
import type { TrafficRouter } from "./traffic.ts";

export interface LoopRouteContext {
  readonly monitor: Monitor;
  readonly traffic: TrafficRouter | null;
}

const FeedbackResponse = Type.Object({
  status: Type.Union([Type.Literal("created"), Type.Literal("unchanged"), Type.Literal("replaced")], {
    description:
      "created: recorded; unchanged: the same label was already recorded (idempotent); " +
      "replaced: a different label for the same prediction replaced the earlier one (the latest wins).",
  }),
  predictionId: Type.Union([Type.String(), Type.Null()], {
    description: "The prediction the feedback joined to; null for a sentence never predicted.",
  }),
  label: Type.String(),
});

function feedbackBody(maxSentenceLength: number) {
  return Type.Object(
    {
      id: Type.Optional(
        Type.String({ minLength: 1, maxLength: 64, description: "The prediction id returned." }),
      ),
      sentence: Type.Optional(
        Type.String({ minLength: 1, maxLength: maxSentenceLength, description: "Or the sentence itself." }),
      ),
      label: Type.String({
        minLength: 1,
        maxLength: 64,
        description: "The true label.",
        examples: ["Relevant"],
      }),
    },
    { additionalProperties: false },
  );
}

/** Labels the served models return; feedback must use one of them. */
function knownLabels(context: RouteContext): Set<string> {
  const labels = new Set<string>();
  for (const model of context.manager.served()) {
    labels.add(model.manifest.labels.positive);
    labels.add(model.manifest.labels.negative);
  }
  return labels;
}

export function registerLoopRoutes(app: SiftApp, context: RouteContext, loop: LoopRouteContext): void {
  app.post(
    "/v1/feedback",
    {
      schema: {
        tags: ["monitor"],
        summary: "Report the true label of a prediction",
        description:
          "Send `{id, label}` with the id a prediction returned, or `{sentence, label}`. Sending the same " +
          "label again changes nothing; a different label for the same prediction replaces the earlier one.",
        body: feedbackBody(context.limits.maxSentenceLength),
        response: {
          200: FeedbackResponse,
          201: FeedbackResponse,
          400: ErrorBody,
          404: ErrorBody,
          415: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { id, sentence, label } = request.body;
      if ((id === undefined) === (sentence === undefined)) {
        throw siftError("INVALID_REQUEST", "Send either `id` (a prediction id) or `sentence`, with `label`.");
      }
      const labels = knownLabels(context);
      if (labels.size > 0 && !labels.has(label)) {
        throw siftError(
          "INVALID_REQUEST",
          `label ${JSON.stringify(label)} is not one of ${[...labels].join(", ")}.`,
        );
      }
      const result = await loop.monitor.recordFeedback(
        id === undefined ? { sentence, label } : { id, label },
      );
      return reply.code(result.status === "created" ? 201 : 200).send(result);
    },
  );

  app.get(
    "/v1/monitor/summary",
    {
      schema: {
        tags: ["monitor"],
        summary: "Live metrics, drift, traffic policy and volume for the dashboard",
      },
    },
    async () => loopSummary(context, loop),
  );

  app.get("/dashboard", { schema: { hide: true } }, (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(dashboardPage()),
  );
  app.get("/dashboard/content", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(dashboardContent(await loopSummary(context, loop))),
  );
}

export async function loopSummary(context: RouteContext, loop: LoopRouteContext) {
  const summary = await loop.monitor.summary();
  const served = context.manager.served().map((model) => ({
    name: model.name,
    version: model.version,
    reference: model.ref,
    threshold: model.manifest.threshold,
  }));
  const policies: Record<string, TrafficPolicy> = {};
  for (const model of served)
    policies[model.name] = loop.traffic?.policy(model.name) ?? { split: [], shadow: [] };
  return { ...summary, served, policies };
}
