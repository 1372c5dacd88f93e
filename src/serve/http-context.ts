/** What the HTTP route files share: the typed Fastify instance and the server's parts. */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ServeMetrics } from "./metrics.ts";
import type { ModelManager } from "./model-manager.ts";
import type { Predictor } from "./predictor.ts";
import type { ServeLimits } from "./types.ts";

export type SiftApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface RouteContext {
  readonly manager: ModelManager;
  readonly predictor: Predictor;
  readonly metrics: ServeMetrics;
  readonly limits: ServeLimits;
  /** Log request sentences (off by default: they can hold personal data). */
  readonly logSentences: boolean;
  /** True once shutdown began: readiness turns 503 so load balancers stop sending traffic. */
  readonly draining: () => boolean;
}
