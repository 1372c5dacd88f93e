/**
 * POST /v1/predict's hot path (src/serve/predict-hot-path.ts) answers exactly what the Fastify
 * route answers. Every request is sent twice to the same app: over a real socket on 127.0.0.1,
 * where plain JSON predict requests take the hot path, and through `app.inject()`, which always
 * runs Fastify's pipeline. Status, content type and body must match (prediction ids aside), and
 * the hot path must count its requests in the same metrics series.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { createServer, isPredictionId, type ModelManager, type SiftApp } from "../src/serve/index.ts";
import { productionManager, storeWithModel, type TempStore } from "./serve-fixtures.ts";

let store: TempStore;
let manager: ModelManager;
let app: SiftApp;
let base: string;
const logLines: Record<string, unknown>[] = [];

before(async () => {
  store = await storeWithModel();
  manager = await productionManager(store.registry);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line !== "") logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = await createServer({
    manager,
    limits: { maxSentenceLength: 200, maxBatch: 5, bodyLimit: 4096 },
    logger: pino({ level: "info" }, sink),
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

after(async () => {
  await app.close();
  await manager.stop();
  await store.cleanup();
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: unknown;
  readonly requestId: string;
}

/** The body with prediction ids replaced, after checking they are UUID v7s. */
function withoutIds(body: unknown): unknown {
  if (body === null || typeof body !== "object" || !("id" in body)) return body;
  assert.ok(isPredictionId(String(body.id)), String(body.id));
  return { ...body, id: "(id)" };
}

async function overSocket(
  payload: string | Buffer,
  headers: Record<string, string>,
  url = "/v1/predict",
): Promise<Answer> {
  const response = await fetch(`${base}${url}`, { method: "POST", headers, body: payload });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    body: withoutIds(await response.json()),
    requestId: response.headers.get("x-request-id") ?? "",
  };
}

async function injected(
  payload: string | Buffer,
  headers: Record<string, string>,
  url = "/v1/predict",
): Promise<Answer> {
  const response = await app.inject({ method: "POST", url, headers, payload });
  return {
    status: response.statusCode,
    contentType: String(response.headers["content-type"]),
    body: withoutIds(response.json()),
    requestId: String(response.headers["x-request-id"]),
  };
}

const JSON_TYPE = { "content-type": "application/json" };

const CASES: Array<[string, string | Buffer, Record<string, string>]> = [
  ["a sentence", JSON.stringify({ sentence: "Forest fire near La Ronge Sask. Canada" }), JSON_TYPE],
  ["explain", JSON.stringify({ sentence: "Wildfire spreads toward the town", explain: true }), JSON_TYPE],
  ["explain false", JSON.stringify({ sentence: "Coffee first", explain: false }), JSON_TYPE],
  ["sticky key", JSON.stringify({ sentence: "Flood waters rise", key: "user-7" }), JSON_TYPE],
  ["key header", JSON.stringify({ sentence: "Flood waters rise" }), { ...JSON_TYPE, "x-sift-key": "u" }],
  ["charset", JSON.stringify({ sentence: "Storm" }), { "content-type": "application/json; charset=utf-8" }],
  ["query string", JSON.stringify({ sentence: "Storm" }), JSON_TYPE],
  ["bad JSON", '{"sentence": "unterminated', JSON_TYPE],
  ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), JSON_TYPE],
  ["missing field", "{}", JSON_TYPE],
  ["wrong type", JSON.stringify({ sentence: 3 }), JSON_TYPE],
  ["array body", "[]", JSON_TYPE],
  ["null body", "null", JSON_TYPE],
  ["string body", '"Forest fire"', JSON_TYPE],
  ["unknown field", JSON.stringify({ sentence: "a", sentense: "b" }), JSON_TYPE],
  ["empty sentence", JSON.stringify({ sentence: "" }), JSON_TYPE],
  ["blank sentence", JSON.stringify({ sentence: " \n\t " }), JSON_TYPE],
  ["too long", JSON.stringify({ sentence: "a".repeat(201) }), JSON_TYPE],
  ["too long in code points", JSON.stringify({ sentence: "😀".repeat(150) }), JSON_TYPE],
  ["explain not boolean", JSON.stringify({ sentence: "a", explain: "yes" }), JSON_TYPE],
  ["empty key", JSON.stringify({ sentence: "a", key: "" }), JSON_TYPE],
  ["__proto__", '{"sentence": "a", "__proto__": {"x": 1}}', JSON_TYPE],
  ["constructor.prototype", '{"sentence": "a", "constructor": {"prototype": {}}}', JSON_TYPE],
  ["deep nesting", `{"sentence": ${"[".repeat(500)}${"]".repeat(500)}}`, JSON_TYPE],
  ["body too large", JSON.stringify({ sentence: "x".repeat(5000) }), JSON_TYPE],
  ["text/plain", "Forest fire", { "content-type": "text/plain" }],
  [
    "other charset",
    JSON.stringify({ sentence: "Storm" }),
    { "content-type": "application/json; charset=latin1" },
  ],
];

describe("POST /v1/predict over a socket (hot path) and through Fastify", () => {
  for (const [name, payload, headers] of CASES) {
    it(`answers the same: ${name}`, async () => {
      const url = name === "query string" ? "/v1/predict?trace=1" : "/v1/predict";
      const [fast, fastify] = [
        await overSocket(payload, headers, url),
        await injected(payload, headers, url),
      ];
      assert.deepEqual(fast.body, fastify.body);
      assert.equal(fast.status, fastify.status);
      assert.equal(fast.contentType, fastify.contentType);
      assert.ok(isPredictionId(fast.requestId), fast.requestId);
    });
  }

  it("echoes a plain x-request-id and logs failed requests with it", async () => {
    const answer = await overSocket("{}", { ...JSON_TYPE, "x-request-id": "hot-path-1" });
    assert.equal(answer.status, 400);
    assert.equal(answer.requestId, "hot-path-1");
    const line = logLines.find((entry) => entry.reqId === "hot-path-1" && entry.msg === "request");
    assert.ok(line !== undefined, "no request log line");
    assert.equal(line.status, 400);
    assert.equal(line.route, "/v1/predict");
    assert.equal(line.method, "POST");
  });

  it("counts its requests and predictions in /metrics", async () => {
    const count = async (status: number) => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const pattern = new RegExp(
        `^sift_requests_total\\{transport="http",method="POST",route="/v1/predict",status="${status}"\\} ([0-9]+)$`,
        "m",
      );
      return Number(pattern.exec(text)?.[1] ?? 0);
    };
    const [ok, bad] = [await count(200), await count(400)];
    await overSocket(JSON.stringify({ sentence: "Earthquake hits the coast" }), JSON_TYPE);
    await overSocket(JSON.stringify({ sentence: "" }), JSON_TYPE);
    assert.equal(await count(200), ok + 1);
    assert.equal(await count(400), bad + 1);
  });
});
