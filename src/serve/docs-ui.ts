/**
 * Swagger UI at /docs, built on first use. @fastify/swagger-ui (with @fastify/static, yaml and
 * the swagger-ui-dist file index) took about a tenth of a cold start to load and register, for a
 * page people open now and then and load balancers never. The main app owns GET (and so HEAD)
 * on /docs and /docs/*; the first such request builds a small Fastify app holding Swagger UI over
 * the main app's OpenAPI document, and every request is answered by it through `inject`.
 * Anything it does not know is the main app's usual ROUTE_NOT_FOUND.
 */
import type { FastifyInstance } from "fastify";
import { siftError } from "../errors.ts";
import type { SiftApp } from "./http-context.ts";

const PREFIX = "/docs";

/** Response headers the main app sets itself for the body it sends. */
const OWN_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "date", "keep-alive"]);

async function buildDocsApp(document: Record<string, unknown>): Promise<FastifyInstance> {
  const [{ default: Fastify }, { default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("fastify"),
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  const docs = Fastify({ logger: false });
  await docs.register(swagger, { mode: "static", specification: { document: document as never } });
  await docs.register(swaggerUi, { routePrefix: PREFIX });
  await docs.ready();
  return docs;
}

/** Registers /docs on `app`; call before `app.ready()`. */
export function registerDocsUi(app: SiftApp): void {
  let docs: Promise<FastifyInstance> | undefined;
  app.addHook("onClose", async () => {
    if (docs !== undefined) await (await docs).close();
  });
  const handler = async (
    request: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
    reply: {
      code(status: number): unknown;
      header(name: string, value: unknown): unknown;
      send(body?: unknown): unknown;
    },
  ) => {
    docs ??= buildDocsApp(app.swagger() as unknown as Record<string, unknown>);
    const answer = await (await docs).inject({
      // HEAD too: Fastify's HEAD route sends the GET answer's headers without its body.
      method: "GET",
      url: request.url,
      headers: request.headers,
    });
    if (answer.statusCode === 404)
      throw siftError("ROUTE_NOT_FOUND", request.method, JSON.stringify(request.url.slice(0, 200)));
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers))
      if (!OWN_HEADERS.has(name.toLowerCase()) && value !== undefined) reply.header(name, value);
    return answer.rawPayload.length === 0 ? reply.send() : reply.send(answer.rawPayload);
  };
  for (const url of [PREFIX, `${PREFIX}/*`])
    app.route({ method: "GET", url, schema: { hide: true }, handler });
}
