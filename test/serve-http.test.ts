/**
 * The REST surface through `app.inject()`: v1 and V2 answers from a real model (trained with
 * learn, stored with the registry), every error status, the OpenAPI document and readiness.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import {
  createServer,
  isPredictionId,
  ModelManager,
  parseModelRef,
  registrySource,
  type SiftApp,
} from "../src/serve/index.ts";
import { productionManager, registerModel, storeWithModel, type TempStore } from "./serve-fixtures.ts";

const JSON_HEADERS = { "content-type": "application/json" };

let store: TempStore;
let manager: ModelManager;
let app: SiftApp;

before(async () => {
  store = await storeWithModel();
  manager = await productionManager(store.registry);
  app = await createServer({ manager, limits: { maxSentenceLength: 200, maxBatch: 5, bodyLimit: 4096 } });
});

after(async () => {
  await app.close();
  await manager.stop();
  await store.cleanup();
});

function post(url: string, body: unknown) {
  return app.inject({ method: "POST", url, headers: JSON_HEADERS, payload: JSON.stringify(body) });
}

describe("POST /v1/predict", () => {
  it("answers label, probability, threshold, model version and a prediction id", async () => {
    const response = await post("/v1/predict", { sentence: "Forest fire near La Ronge Sask. Canada" });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ["id", "label", "model", "probability", "threshold"]);
    assert.deepEqual(body.model, { name: "relevance", version: 1 });
    assert.equal(body.threshold, 0.5);
    assert.ok(body.probability >= 0 && body.probability <= 1);
    assert.equal(body.label, body.probability >= body.threshold ? "Relevant" : "Not Relevant");
    assert.ok(isPredictionId(body.id), body.id);
    assert.ok(isPredictionId(response.headers["x-request-id"] as string));
  });

  it("matches the model's own probability", async () => {
    const sentence = "Flood waters rise in the city centre, roads closed";
    const served = manager.route({});
    const expected = served.classifier.predictProba([sentence])[0];
    const body = (await post("/v1/predict", { sentence })).json();
    assert.equal(body.probability, expected);
  });

  it("explains with the features behind the decision when asked", async () => {
    const body = (
      await post("/v1/predict", { sentence: "Wildfire spreads toward the town", explain: true })
    ).json();
    assert.ok(body.explanation.features.length > 0 && body.explanation.features.length <= 10);
    const { score } = body.explanation;
    assert.ok(Math.abs(1 / (1 + Math.exp(-score)) - body.probability) < 1e-9);
    assert.equal(typeof body.explanation.features[0].feature, "string");
  });

  it("echoes a plain incoming x-request-id and replaces an unsafe one", async () => {
    const plain = await app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "abc-123" },
    });
    assert.equal(plain.headers["x-request-id"], "abc-123");
    const unsafe = await app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "a b\u0001" },
    });
    assert.ok(isPredictionId(unsafe.headers["x-request-id"] as string));
  });
});

describe("POST /v1/predict/batch", () => {
  it("answers one prediction per sentence, in order, with distinct ids", async () => {
    const sentences = ["I love fruits", "Earthquake hits the coast", "Coffee first"];
    const response = await post("/v1/predict/batch", { sentences });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    const expected = manager.route({}).classifier.predictProba(sentences);
    assert.deepEqual(
      body.predictions.map((p: { probability: number }) => p.probability),
      [...expected],
    );
    assert.equal(new Set(body.predictions.map((p: { id: string }) => p.id)).size, 3);
    assert.deepEqual(body.model, { name: "relevance", version: 1 });
  });
});

describe("errors", () => {
  const cases: Array<[string, () => ReturnType<typeof post>, number, string]> = [
    ["missing field", () => post("/v1/predict", {}), 400, "INVALID_REQUEST"],
    ["wrong type", () => post("/v1/predict", { sentence: 3 }), 400, "INVALID_REQUEST"],
    ["unknown field", () => post("/v1/predict", { sentence: "a", sentense: "b" }), 400, "INVALID_REQUEST"],
    ["blank sentence", () => post("/v1/predict", { sentence: " \n\t " }), 400, "EMPTY_SENTENCE"],
    ["empty sentence", () => post("/v1/predict", { sentence: "" }), 400, "EMPTY_SENTENCE"],
    ["too long", () => post("/v1/predict", { sentence: "a".repeat(201) }), 400, "SENTENCE_TOO_LONG"],
    [
      "batch too large",
      () => post("/v1/predict/batch", { sentences: ["a", "b", "c", "d", "e", "f"] }),
      400,
      "BATCH_TOO_LARGE",
    ],
    ["empty batch", () => post("/v1/predict/batch", { sentences: [] }), 400, "INVALID_REQUEST"],
    ["blank in batch", () => post("/v1/predict/batch", { sentences: ["ok", " "] }), 400, "EMPTY_SENTENCE"],
    [
      "explain not boolean",
      () => post("/v1/predict", { sentence: "a", explain: "yes" }),
      400,
      "INVALID_REQUEST",
    ],
    [
      "body too large",
      () => post("/v1/predict/batch", { sentences: ["x".repeat(5000)] }),
      413,
      "BODY_TOO_LARGE",
    ],
    ["unknown model", () => app.inject({ method: "GET", url: "/v1/models/other" }), 404, "MODEL_NOT_SERVED"],
    ["unknown route", () => app.inject({ method: "GET", url: "/v1/nothing" }), 404, "ROUTE_NOT_FOUND"],
    ["wrong method", () => app.inject({ method: "DELETE", url: "/v1/predict" }), 405, "METHOD_NOT_ALLOWED"],
  ];
  for (const [name, send, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const response = await send();
      assert.equal(response.statusCode, status, response.body);
      assert.match(String(response.headers["content-type"]), /^application\/json/);
      const body = response.json();
      assert.equal(body.error.code, code);
      assert.equal(typeof body.error.message, "string");
      assert.ok(body.error.message.length > 10);
    });
  }

  it("pins the messages users read", async () => {
    assert.deepEqual((await post("/v1/predict", { sentence: 3 })).json(), {
      error: { code: "INVALID_REQUEST", message: "body.sentence must be string." },
    });
    assert.deepEqual((await post("/v1/predict/batch", { sentences: ["ok", ""] })).json(), {
      error: {
        code: "EMPTY_SENTENCE",
        message: "body.sentences[1] is empty or only whitespace. Send the text to classify.",
      },
    });
    assert.deepEqual((await app.inject({ method: "PUT", url: "/v1/models" })).json(), {
      error: {
        code: "METHOD_NOT_ALLOWED",
        message: "Method PUT is not allowed on /v1/models. See /docs for the API.",
      },
    });
  });

  it("says which methods are allowed on 405", async () => {
    const response = await app.inject({ method: "GET", url: "/v1/predict" });
    assert.equal(response.headers.allow, "POST");
  });

  it("refuses other content types with 415", async () => {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/xml",
      "multipart/form-data",
    ]) {
      const response = await app.inject({
        method: "POST",
        url: "/v1/predict",
        headers: { "content-type": type },
        payload: "sentence=x",
      });
      assert.equal(response.statusCode, 415, type);
      assert.equal(response.json().error.code, "UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("refuses invalid UTF-8 instead of guessing", async () => {
    const payload = Buffer.concat([
      Buffer.from('{"sentence": "caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const response = await app.inject({ method: "POST", url: "/v1/predict", headers: JSON_HEADERS, payload });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, "INVALID_UTF8");
  });

  it("refuses prototype-poisoning keys", async () => {
    for (const payload of [
      '{"sentence": "a", "__proto__": {"admin": true}}',
      '{"sentence": "a", "constructor": {"prototype": {}}}',
    ]) {
      const response = await app.inject({
        method: "POST",
        url: "/v1/predict",
        headers: JSON_HEADERS,
        payload,
      });
      assert.equal(response.statusCode, 400, payload);
      assert.equal(response.json().error.code, "INVALID_JSON");
    }
  });

  it("names where bad JSON broke", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/v1/predict",
      headers: JSON_HEADERS,
      payload: '{"sentence": ',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().error.message, /^The request body is not valid JSON \(.+\)/);
  });
});

describe("models", () => {
  it("lists what is served with its manifest facts", async () => {
    const body = (await app.inject({ method: "GET", url: "/v1/models" })).json();
    assert.equal(body.models.length, 1);
    const [model] = body.models;
    assert.equal(model.name, "relevance");
    assert.equal(model.version, 1);
    assert.equal(model.reference, "relevance@production");
    assert.deepEqual(model.labels, { positive: "Relevant", negative: "Not Relevant" });
    assert.deepEqual(model.metrics, { validation: { f1: 0.9 }, test: { f1: 0.88 } });
    assert.deepEqual((await app.inject({ method: "GET", url: "/v1/models/relevance" })).json(), model);
  });
});

describe("Open Inference Protocol (V2) over REST", () => {
  it("answers server live, ready and metadata", async () => {
    assert.deepEqual((await app.inject({ url: "/v2/health/live" })).json(), { live: true });
    assert.deepEqual((await app.inject({ url: "/v2/health/ready" })).json(), { ready: true });
    const meta = (await app.inject({ url: "/v2" })).json();
    assert.equal(meta.name, "sift");
    assert.deepEqual(meta.extensions, []);
  });

  it("describes the model: one BYTES input, label/probability/id outputs", async () => {
    const meta = (await app.inject({ url: "/v2/models/relevance" })).json();
    assert.deepEqual(meta, {
      name: "relevance",
      versions: ["1"],
      platform: "sift",
      inputs: [{ name: "text", datatype: "BYTES", shape: [-1] }],
      outputs: [
        { name: "label", datatype: "BYTES", shape: [-1] },
        { name: "probability", datatype: "FP64", shape: [-1] },
        { name: "id", datatype: "BYTES", shape: [-1] },
      ],
    });
    assert.deepEqual((await app.inject({ url: "/v2/models/relevance/versions/1" })).json(), meta);
    assert.deepEqual((await app.inject({ url: "/v2/models/relevance/ready" })).json(), {
      name: "relevance",
      ready: true,
    });
    assert.equal((await app.inject({ url: "/v2/models/relevance/versions/9/ready" })).statusCode, 404);
  });

  it("infers from flat and [N, 1] BYTES inputs, echoing the request id", async () => {
    const sentences = ["Hurricane makes landfall", "Pizza or burgers tonight"];
    const expected = [...manager.route({}).classifier.predictProba(sentences)];
    for (const [shape, data] of [
      [[2], sentences],
      [[2, 1], sentences.map((s) => [s])],
    ] as const) {
      const response = await post("/v2/models/relevance/versions/1/infer", {
        id: "req-7",
        inputs: [{ name: "text", shape, datatype: "BYTES", data }],
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.model_name, "relevance");
      assert.equal(body.model_version, "1");
      assert.equal(body.id, "req-7");
      const byName = Object.fromEntries(body.outputs.map((o: { name: string }) => [o.name, o]));
      assert.deepEqual(byName.probability, {
        name: "probability",
        datatype: "FP64",
        shape: [2],
        data: expected,
      });
      assert.deepEqual(
        byName.label.data,
        expected.map((p) => (p >= 0.5 ? "Relevant" : "Not Relevant")),
      );
      assert.equal(byName.id.data.length, 2);
    }
  });

  it("returns only the outputs asked for", async () => {
    const body = (
      await post("/v2/models/relevance/infer", {
        inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: ["Bridge collapse"] }],
        outputs: [{ name: "probability" }],
      })
    ).json();
    assert.deepEqual(
      body.outputs.map((o: { name: string }) => o.name),
      ["probability"],
    );
  });

  const bad: Array<[string, unknown, number, string]> = [
    [
      "a wrong datatype",
      { inputs: [{ name: "text", shape: [1], datatype: "FP32", data: ["a"] }] },
      400,
      "INVALID_REQUEST",
    ],
    [
      "a shape that does not match",
      { inputs: [{ name: "text", shape: [3], datatype: "BYTES", data: ["a"] }] },
      400,
      "INVALID_REQUEST",
    ],
    [
      "numbers as BYTES",
      { inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: [1] }] },
      400,
      "INVALID_REQUEST",
    ],
    [
      "two inputs",
      { inputs: [1, 2].map(() => ({ name: "t", shape: [1], datatype: "BYTES", data: ["a"] })) },
      400,
      "INVALID_REQUEST",
    ],
    [
      "a blank sentence",
      { inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: [" "] }] },
      400,
      "EMPTY_SENTENCE",
    ],
    [
      "an unknown output",
      {
        inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: ["a"] }],
        outputs: [{ name: "logits" }],
      },
      400,
      "INVALID_REQUEST",
    ],
    [
      "too many sentences",
      { inputs: [{ name: "text", shape: [6], datatype: "BYTES", data: ["a", "b", "c", "d", "e", "f"] }] },
      400,
      "BATCH_TOO_LARGE",
    ],
  ];
  for (const [name, body, status, code] of bad) {
    it(`refuses ${name} with ${status} ${code}`, async () => {
      const response = await post("/v2/models/relevance/infer", body);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().error.code, code);
    });
  }

  it("answers 404 for a model or version not served", async () => {
    const body = { inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: ["a"] }] };
    assert.equal((await post("/v2/models/other/infer", body)).json().error.code, "MODEL_NOT_SERVED");
    assert.equal(
      (await post("/v2/models/relevance/versions/2/infer", body)).json().error.code,
      "MODEL_NOT_SERVED",
    );
  });
});

describe("operations", () => {
  it("exposes Prometheus metrics: requests by route and status, predictions by label, model info", async () => {
    await post("/v1/predict", { sentence: "Tornado destroys homes" });
    const response = await app.inject({ url: "/metrics" });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers["content-type"]), /^text\/plain/);
    const text = response.body;
    assert.match(
      text,
      /sift_requests_total\{transport="http",method="POST",route="\/v1\/predict",status="200"\} \d+/,
    );
    assert.match(
      text,
      /sift_request_duration_seconds_bucket\{le="0.005",transport="http",method="POST",route="\/v1\/predict",status="200"\}/,
    );
    assert.match(text, /sift_predictions_total\{model="relevance",version="1",label="(Not )?Relevant"\} \d+/);
    assert.match(text, /process_resident_memory_bytes/);
  });

  it("serves the OpenAPI 3.1 document and Swagger UI", async () => {
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    assert.equal(doc.openapi, "3.1.0");
    for (const path of [
      "/v1/predict",
      "/v1/predict/batch",
      "/v1/models",
      "/v1/models/{name}",
      "/v2/models/{name}/infer",
    ]) {
      assert.ok(doc.paths[path], path);
    }
    const schema = doc.paths["/v1/predict"].post.requestBody.content["application/json"].schema;
    assert.equal(schema.properties.sentence.maxLength, 200);
    const ui = await app.inject({ url: "/docs/" });
    assert.equal(ui.statusCode, 200);
    assert.match(ui.body, /swagger/i);
  });
});

describe("the committed openapi.json", () => {
  // Regenerate after changing a route: UPDATE_OPENAPI=1 node --test test/serve-http.test.ts
  it("is the document a server with default limits generates", async () => {
    const defaults = await createServer({ manager });
    try {
      const generated = (await defaults.inject({ url: "/openapi.json" })).json();
      const file = new URL("../openapi.json", import.meta.url);
      if (process.env.UPDATE_OPENAPI === "1")
        await writeFile(file, `${JSON.stringify(generated, null, 2)}\n`);
      const committed = JSON.parse(await readFile(file, "utf8"));
      assert.deepEqual(committed, generated);
    } finally {
      await defaults.close();
    }
  });
});

describe("readiness", () => {
  it("is 503 until a verified model is loaded, then 200", async () => {
    await registerModel(store.registry, "waiting");
    const waiting = new ModelManager({
      source: registrySource(store.registry),
      refs: [parseModelRef("waiting@production")],
      pollMs: 0,
    });
    const server = await createServer({ manager: waiting });
    try {
      await waiting.start();
      const before = await server.inject({ url: "/readyz" });
      assert.equal(before.statusCode, 503);
      assert.equal(before.json().error.code, "NOT_READY");
      const predict = await server.inject({
        method: "POST",
        url: "/v1/predict",
        headers: JSON_HEADERS,
        payload: '{"sentence":"a"}',
      });
      assert.equal(predict.statusCode, 503);
      assert.equal((await server.inject({ url: "/healthz" })).statusCode, 200);
      await store.registry.promote("waiting", 1);
      await waiting.refresh();
      const after = await server.inject({ url: "/readyz" });
      assert.equal(after.statusCode, 200);
      assert.deepEqual(after.json(), { status: "ready", models: [{ name: "waiting", version: 1 }] });
    } finally {
      await server.close();
      await waiting.stop();
    }
  });
});
