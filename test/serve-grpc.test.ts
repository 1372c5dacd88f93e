/**
 * gRPC with a real grpc-js client over a real 127.0.0.1 port: sift.v1.Predictor, the V2
 * inference.GRPCInferenceService (BYTES in bytes_contents and in raw_input_contents) and the
 * standard grpc.health.v1.Health.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  credentials,
  loadPackageDefinition,
  type Metadata,
  type ServiceError,
  status,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import {
  HEALTH_PROTO,
  ModelManager,
  PROTO_OPTIONS,
  Predictor,
  parseModelRef,
  type RunningGrpcServer,
  registrySource,
  ServeMetrics,
  SIFT_PROTO,
  serveLimits,
  startGrpcServer,
  V2_PROTO,
} from "../src/serve/index.ts";
import { storeWithModel, type TempStore } from "./serve-fixtures.ts";

type Unary = (request: unknown, callback: (error: ServiceError | null, response: unknown) => void) => void;
type AnyClient = Client & Record<string, Unary>;

let store: TempStore;
let manager: ModelManager;
let server: RunningGrpcServer;
let sift: AnyClient;
let v2: AnyClient;
let health: AnyClient;

function call<T>(client: AnyClient, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as Unary;
    fn.call(client, request, (error, response) => (error === null ? resolve(response as T) : reject(error)));
  });
}

async function callError(client: AnyClient, method: string, request: unknown): Promise<ServiceError> {
  try {
    await call(client, method, request);
  } catch (error) {
    return error as ServiceError;
  }
  assert.fail(`${method} should have failed`);
}

before(async () => {
  store = await storeWithModel();
  manager = new ModelManager({
    source: registrySource(store.registry),
    refs: [parseModelRef("relevance")],
    pollMs: 0,
  });
  await manager.start();
  const predictor = new Predictor(manager, () => undefined);
  server = await startGrpcServer(
    {
      manager,
      predictor,
      metrics: new ServeMetrics({ defaultMetrics: false }),
      limits: serveLimits({ maxBatch: 4 }),
    },
    "127.0.0.1",
    0,
  );
  // The client loads the .proto files on its own, as another team's service would.
  const loaded = loadPackageDefinition(
    loadSync([SIFT_PROTO, V2_PROTO, HEALTH_PROTO], PROTO_OPTIONS),
  ) as unknown as {
    sift: { v1: { Predictor: new (address: string, creds: unknown) => AnyClient } };
    inference: { GRPCInferenceService: new (address: string, creds: unknown) => AnyClient };
    grpc: { health: { v1: { Health: new (address: string, creds: unknown) => AnyClient } } };
  };
  const address = `127.0.0.1:${server.port}`;
  sift = new loaded.sift.v1.Predictor(address, credentials.createInsecure());
  v2 = new loaded.inference.GRPCInferenceService(address, credentials.createInsecure());
  health = new loaded.grpc.health.v1.Health(address, credentials.createInsecure());
});

after(async () => {
  sift.close();
  v2.close();
  health.close();
  await server.close(1000);
  await manager.stop();
  await store.cleanup();
});

interface PredictResponse {
  label: string;
  probability: number;
  threshold: number;
  model: { name: string; version: number };
  id: string;
  explanation: { features: Array<{ feature: string }> } | null;
}

describe("sift.v1.Predictor", () => {
  it("Predict answers like POST /v1/predict", async () => {
    const sentence = "Forest fire near La Ronge Sask. Canada";
    const response = await call<PredictResponse>(sift, "Predict", { sentence, explain: true });
    const expected = manager.route({}).classifier.predictProba([sentence])[0] ?? -1;
    assert.equal(response.probability, expected);
    assert.equal(response.label, expected >= 0.5 ? "Relevant" : "Not Relevant");
    assert.deepEqual(response.model, { name: "relevance", version: 1 });
    assert.equal(response.threshold, 0.5);
    assert.ok((response.explanation?.features.length ?? 0) > 0);
  });

  it("PredictBatch answers one prediction per sentence", async () => {
    const response = await call<{ predictions: Array<{ id: string }>; model: { version: number } }>(
      sift,
      "PredictBatch",
      {
        sentences: ["Flood in the valley", "I love fruits", "Storm warning"],
      },
    );
    assert.equal(response.predictions.length, 3);
    assert.equal(response.model.version, 1);
  });

  it("maps errors to gRPC status codes with the sift code in metadata", async () => {
    const blank = await callError(sift, "Predict", { sentence: "  " });
    assert.equal(blank.code, status.INVALID_ARGUMENT);
    assert.deepEqual((blank.metadata as Metadata).get("sift-error-code"), ["EMPTY_SENTENCE"]);
    const unknown = await callError(sift, "Predict", { sentence: "a", model: "../../etc" });
    assert.equal(unknown.code, status.NOT_FOUND);
    const tooMany = await callError(sift, "PredictBatch", { sentences: ["a", "b", "c", "d", "e"] });
    assert.equal(tooMany.code, status.INVALID_ARGUMENT);
    assert.deepEqual((tooMany.metadata as Metadata).get("sift-error-code"), ["BATCH_TOO_LARGE"]);
  });
});

describe("grpc.health.v1.Health", () => {
  it("Check: SERVING for the server and a served model, NOT_FOUND for another name", async () => {
    assert.deepEqual(await call(health, "Check", { service: "" }), { status: "SERVING" });
    assert.deepEqual(await call(health, "Check", { service: "relevance" }), { status: "SERVING" });
    const error = await callError(health, "Check", { service: "spam" });
    assert.equal(error.code, status.NOT_FOUND);
  });

  it("Check: NOT_SERVING while the server drains", async () => {
    const draining = await startGrpcServer(
      {
        manager,
        predictor: new Predictor(manager, () => undefined),
        metrics: new ServeMetrics({ defaultMetrics: false }),
        limits: serveLimits({}),
        draining: () => true,
      },
      "127.0.0.1",
      0,
    );
    const loaded = loadPackageDefinition(loadSync([HEALTH_PROTO], PROTO_OPTIONS)) as unknown as {
      grpc: { health: { v1: { Health: new (address: string, creds: unknown) => AnyClient } } };
    };
    const client = new loaded.grpc.health.v1.Health(
      `127.0.0.1:${draining.port}`,
      credentials.createInsecure(),
    );
    try {
      assert.deepEqual(await call(client, "Check", { service: "" }), { status: "NOT_SERVING" });
      assert.deepEqual(await call(client, "Check", { service: "relevance" }), { status: "NOT_SERVING" });
    } finally {
      client.close();
      await draining.close(1000);
    }
  });
});

describe("inference.GRPCInferenceService (V2)", () => {
  it("answers ServerLive, ServerReady, ServerMetadata, ModelReady, ModelMetadata", async () => {
    assert.deepEqual(await call(v2, "ServerLive", {}), { live: true });
    assert.deepEqual(await call(v2, "ServerReady", {}), { ready: true });
    const meta = await call<{ name: string }>(v2, "ServerMetadata", {});
    assert.equal(meta.name, "sift");
    assert.deepEqual(await call(v2, "ModelReady", { name: "relevance", version: "" }), { ready: true });
    assert.deepEqual(await call(v2, "ModelReady", { name: "relevance", version: "1" }), { ready: true });
    const model = await call<{ versions: string[]; inputs: Array<{ datatype: string; shape: number[] }> }>(
      v2,
      "ModelMetadata",
      { name: "relevance" },
    );
    assert.deepEqual(model.versions, ["1"]);
    assert.deepEqual(model.inputs[0], { name: "text", datatype: "BYTES", shape: [-1] });
  });

  interface InferResponse {
    modelName: string;
    modelVersion: string;
    id: string;
    outputs: Array<{
      name: string;
      datatype: string;
      shape: number[];
      contents: { fp64Contents: number[]; bytesContents: Buffer[] };
    }>;
  }

  const sentences = ["Earthquake hits the coast", "My phone battery dies so fast"];

  function checkOutputs(response: InferResponse): void {
    const expected = [...manager.route({}).classifier.predictProba(sentences)];
    assert.equal(response.modelName, "relevance");
    assert.equal(response.modelVersion, "1");
    const [label, probability] = response.outputs;
    assert.deepEqual(probability?.contents.fp64Contents, expected);
    assert.deepEqual(probability?.shape, [2]);
    assert.deepEqual(
      label?.contents.bytesContents.map((b) => b.toString("utf8")),
      expected.map((p) => (p >= 0.5 ? "Relevant" : "Not Relevant")),
    );
  }

  it("ModelInfer takes BYTES in bytes_contents", async () => {
    const response = await call<InferResponse>(v2, "ModelInfer", {
      modelName: "relevance",
      id: "r1",
      inputs: [
        {
          name: "text",
          datatype: "BYTES",
          shape: [2],
          contents: { bytesContents: sentences.map((s) => Buffer.from(s)) },
        },
      ],
    });
    assert.equal(response.id, "r1");
    checkOutputs(response);
  });

  it("ModelInfer takes BYTES in raw_input_contents (length-prefixed)", async () => {
    const raw = Buffer.concat(
      sentences.flatMap((s) => {
        const bytes = Buffer.from(s);
        const length = Buffer.alloc(4);
        length.writeUInt32LE(bytes.length);
        return [length, bytes];
      }),
    );
    const response = await call<InferResponse>(v2, "ModelInfer", {
      modelName: "relevance",
      modelVersion: "1",
      inputs: [{ name: "text", datatype: "BYTES", shape: [2, 1] }],
      rawInputContents: [raw],
    });
    checkOutputs(response);
  });

  it("ModelInfer refuses bad tensors and unknown models with the right status", async () => {
    const input = (data: Buffer[], shape = [data.length]) => [
      { name: "text", datatype: "BYTES", shape, contents: { bytesContents: data } },
    ];
    const cases: Array<[unknown, status]> = [
      [{ modelName: "relevance", inputs: input([Buffer.from("a")], [3]) }, status.INVALID_ARGUMENT],
      [{ modelName: "relevance", inputs: input([Buffer.from([0xc3, 0x28])]) }, status.INVALID_ARGUMENT],
      [{ modelName: "relevance", inputs: [] }, status.INVALID_ARGUMENT],
      [{ modelName: "", inputs: input([Buffer.from("a")]) }, status.INVALID_ARGUMENT],
      [
        { modelName: "relevance", modelVersion: "x", inputs: input([Buffer.from("a")]) },
        status.INVALID_ARGUMENT,
      ],
      [
        {
          modelName: "relevance",
          inputs: [{ name: "t", datatype: "BYTES", shape: [1] }],
          rawInputContents: [Buffer.from([9, 0, 0, 0, 97])],
        },
        status.INVALID_ARGUMENT,
      ],
      [{ modelName: "nope", inputs: input([Buffer.from("a")]) }, status.NOT_FOUND],
      [{ modelName: "relevance", modelVersion: "7", inputs: input([Buffer.from("a")]) }, status.NOT_FOUND],
    ];
    for (const [request, code] of cases) {
      const error = await callError(v2, "ModelInfer", request);
      assert.equal(error.code, code, JSON.stringify(request));
    }
    // The server keeps serving after every refusal.
    assert.deepEqual(await call(v2, "ServerLive", {}), { live: true });
  });
});
