/**
 * Malformed requests, generated with fast-check: bad JSON, wrong types, missing fields, blank
 * and huge sentences, invalid UTF-8, deep nesting, prototype keys, wrong methods, unknown routes
 * and model names that try to leave the store. Each must get a 4xx JSON error from the catalogue
 * — never a 500 — and the server must keep answering good requests.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { errorCatalogue } from "../src/errors.ts";
import { type RunningService, startService } from "../src/serve/index.ts";
import { storeWithModel, type TempStore } from "./serve-fixtures.ts";

let store: TempStore;
let service: RunningService;

before(async () => {
  store = await storeWithModel();
  service = await startService({
    store: store.root,
    port: 0,
    grpcPort: null,
    logLevel: "silent",
    limits: { bodyLimit: 256 * 1024, maxSentenceLength: 5000 },
  });
  await service.loaded;
});

after(async () => {
  await service.close();
  await store.cleanup();
});

interface Malformed {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
  readonly url: string;
  readonly contentType?: string;
  readonly payload?: string | Buffer;
}

const jsonish = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

const predictUrls = fc.constantFrom("/v1/predict", "/v1/predict/batch", "/v2/models/relevance/infer");

const badBodies: fc.Arbitrary<Malformed> = fc.oneof(
  // Not JSON at all, or JSON cut short.
  fc.record({
    method: fc.constant("POST" as const),
    url: predictUrls,
    contentType: fc.constant("application/json"),
    payload: fc.oneof(
      fc.string().filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
      fc.constantFrom("", "{", '{"sentence": ', "[", "nul", '{"sentence": "a"', "\u0000"),
    ),
  }),
  // Valid JSON of the wrong shape: wrong types, missing or extra fields.
  fc.record({
    method: fc.constant("POST" as const),
    url: fc.constant("/v1/predict"),
    contentType: fc.constant("application/json"),
    payload: fc.oneof(
      jsonish.filter((v) => typeof v !== "string").map((v) => JSON.stringify({ sentence: v })),
      jsonish.map((v) => JSON.stringify(v)),
      fc.string({ minLength: 1 }).map((s) => JSON.stringify({ sentence: "a", [`x${s}`]: 1 })),
      fc.constantFrom('{"explain": true}', '{"sentence": "a", "explain": "true"}', '{"Sentence": "a"}'),
    ),
  }),
  // Blank and huge sentences, empty and oversize batches.
  fc.record({
    method: fc.constant("POST" as const),
    url: fc.constant("/v1/predict"),
    contentType: fc.constant("application/json"),
    payload: fc.oneof(
      fc
        .array(fc.constantFrom(" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\ufeff"), { maxLength: 50 })
        .map((ws) => JSON.stringify({ sentence: ws.join("") })),
      fc.integer({ min: 5001, max: 20_000 }).map((n) => JSON.stringify({ sentence: "é".repeat(n) })),
    ),
  }),
  fc.record({
    method: fc.constant("POST" as const),
    url: fc.constant("/v1/predict/batch"),
    contentType: fc.constant("application/json"),
    payload: fc.oneof(
      fc.constant('{"sentences": []}'),
      fc.integer({ min: 1001, max: 1500 }).map((n) => JSON.stringify({ sentences: Array(n).fill("a") })),
      fc
        .array(fc.oneof(fc.integer(), fc.constant(null), fc.constant("")), { minLength: 1, maxLength: 5 })
        .map((s) => JSON.stringify({ sentences: s })),
    ),
  }),
  // Invalid UTF-8 inside otherwise fine JSON.
  fc.record({
    method: fc.constant("POST" as const),
    url: predictUrls,
    contentType: fc.constant("application/json"),
    payload: fc
      .constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80])
      .map((bad) => Buffer.concat([Buffer.from('{"sentence": "a'), Buffer.from(bad), Buffer.from('"}')])),
  }),
  // Deep nesting and prototype keys.
  fc.record({
    method: fc.constant("POST" as const),
    url: predictUrls,
    contentType: fc.constant("application/json"),
    payload: fc.oneof(
      fc
        .integer({ min: 100, max: 50_000 })
        .map((depth) => `{"sentence": ${"[".repeat(depth)}${"]".repeat(depth)}}`),
      fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
      fc.constantFrom(
        '{"__proto__": {"isAdmin": true}, "sentence": "a"}',
        '{"sentence": "a", "constructor": {"prototype": {"x": 1}}}',
        '{"sentences": [{"__proto__": {}}]}',
        '{"sentence": {"constructor": {"prototype": {}}}}',
      ),
    ),
  }),
  // Wrong content types.
  fc.record({
    method: fc.constant("POST" as const),
    url: predictUrls,
    contentType: fc.constantFrom(
      "text/plain",
      "application/xml",
      "application/x-www-form-urlencoded",
      "image/png",
      "application/jsonx",
    ),
    payload: fc.constant('{"sentence": "a"}'),
  }),
  // Wrong methods on known routes; unknown routes; model names that try to leave the store.
  fc.record({
    method: fc.constantFrom("PUT" as const, "PATCH" as const, "DELETE" as const, "GET" as const),
    url: fc.constantFrom("/v1/predict", "/v1/predict/batch", "/v2/models/relevance/infer"),
  }),
  fc.record({
    method: fc.constantFrom("GET" as const, "POST" as const, "DELETE" as const),
    url: fc.oneof(
      fc
        .webPath()
        .filter((p) => !/^\/(v1|v2|docs|healthz|readyz|metrics|openapi)/.test(p))
        .map((p) => `/x${p}`),
      fc.constantFrom(
        "/v1/models/..%2F..%2Fetc%2Fpasswd",
        "/v1/models/..",
        "/v1/models/.hidden",
        "/v2/models/%2e%2e/infer",
        "/v2/models/relevance/versions/..%2F1/infer",
        "/v2/models/relevance/versions/0",
        "/v2/models/relevance/versions/-1/ready",
        `/v1/models/${"a".repeat(300)}`,
        "/v2/models/a%00b",
      ),
    ),
  }),
);

async function send(request: Malformed): Promise<Response> {
  const headers: Record<string, string> = {};
  if (request.contentType !== undefined) headers["content-type"] = request.contentType;
  return fetch(`${service.url}${request.url}`, {
    method: request.method,
    headers,
    ...(request.payload === undefined ? {} : { body: request.payload }),
  });
}

const codes = new Set(Object.keys(errorCatalogue));

describe("malformed requests", () => {
  it("each gets a catalogued 4xx JSON error and the server keeps serving", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(badBodies, async (request) => {
        const response = await send(request);
        const text = await response.text();
        const where = `${request.method} ${request.url} ${String(request.payload ?? "").slice(0, 80)}`;
        assert.ok(
          response.status >= 400 && response.status < 500,
          `${response.status} for ${where}: ${text.slice(0, 200)}`,
        );
        assert.match(String(response.headers.get("content-type")), /^application\/json/, where);
        const body = JSON.parse(text) as { error: { code: string; message: string } };
        assert.ok(codes.has(body.error.code), `${body.error.code} is not in the catalogue`);
        assert.equal(errorCatalogue[body.error.code as keyof typeof errorCatalogue].status, response.status);
        checked++;
      }),
      { numRuns: 250, seed: 5 },
    );
    assert.ok(checked >= 50);
    const good = await send({
      method: "POST",
      url: "/v1/predict",
      contentType: "application/json",
      payload: '{"sentence":"Flood warning"}',
    });
    assert.equal(good.status, 200);
  });

  it("answers malformed HTTP on the socket with a JSON 400", async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(service.port, "127.0.0.1", () => socket.write("GARBAGE / HTTP/9.9\r\n\r\n"));
      let data = "";
      socket.on("data", (chunk) => {
        data += chunk.toString();
      });
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.match(reply, /"code":"INVALID_REQUEST"/);
    assert.equal((await fetch(`${service.url}/healthz`)).status, 200);
  });
});
