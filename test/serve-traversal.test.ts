/**
 * Model names and versions from requests never reach outside the store. A decoy — a valid,
 * loadable model whose labels say DECOY — sits outside the store where `../` names would land
 * (`<store>/models/../../decoy/1`, and a whole decoy store beside it). Requests naming it through
 * every transport (REST v1, V2 over REST with raw and percent-encoded `../`, gRPC) must get a 4xx,
 * never the decoy's answer, and no decoy file may even be read (checked by access time, with a
 * canary proving the check works on this file system).
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  credentials,
  status as grpcStatus,
  loadPackageDefinition,
  type ServiceError,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { openRegistry, type Registry } from "../src/registry/index.ts";
import {
  PROTO_OPTIONS,
  type RunningService,
  SIFT_PROTO,
  startService,
  V2_PROTO,
} from "../src/serve/index.ts";
import { registerModel, trainClassifier } from "./serve-fixtures.ts";

type Unary = (request: unknown, callback: (error: ServiceError | null, response: unknown) => void) => void;
type AnyClient = Client & Record<string, Unary>;

const OLD = new Date("2001-01-01T00:00:00Z");

let base: string;
let store: string;
let decoy: string;
let registry: Registry;
let service: RunningService;
let sift: AnyClient;
let v2: AnyClient;

/** A valid model whose answers are unmistakable. */
async function registerDecoy(decoyRegistry: Registry): Promise<void> {
  const saved = trainClassifier().save();
  const version = await decoyRegistry.register("decoy", {
    manifest: {
      createdAt: new Date().toISOString(),
      labels: { positive: "DECOY", negative: "DECOY" },
      threshold: 0.5,
      classifier: saved.spec,
      metrics: { validation: {}, test: {} },
      dataFingerprint: "0".repeat(64),
      trainingConfig: { source: "decoy" },
      codeVersion: null,
      reference: null,
      runId: null,
    },
    files: saved.files,
  });
  await decoyRegistry.promote("decoy", version.version);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Sets every decoy file's times far in the past, so any later read moves its access time. */
async function ageFiles(files: readonly string[]): Promise<void> {
  for (const file of files) await utimes(file, OLD, OLD);
}

async function readFiles(files: readonly string[]): Promise<string[]> {
  const touched: string[] = [];
  for (const file of files) if ((await stat(file)).atimeMs !== OLD.getTime()) touched.push(file);
  return touched;
}

before(async () => {
  base = await mkdtemp(path.join(tmpdir(), "sift-traversal-"));
  store = path.join(base, "store");
  decoy = path.join(base, "decoy");
  registry = openRegistry(store);
  const first = await registerModel(registry, "relevance");
  await registry.promote("relevance", first.version);

  // A decoy store beside the real one, and its version directory where
  // <store>/models/../../decoy/1 would point.
  const decoyRegistry = openRegistry(decoy);
  await registerDecoy(decoyRegistry);
  decoyRegistry.close();
  await cp(path.join(decoy, "models", "decoy", "1"), path.join(decoy, "1"), { recursive: true });

  service = await startService({ store, port: 0, grpcPort: 0, logLevel: "silent", pollMs: 0 });
  await service.loaded;
  const loaded = loadPackageDefinition(loadSync([SIFT_PROTO, V2_PROTO], PROTO_OPTIONS)) as unknown as {
    sift: { v1: { Predictor: new (address: string, creds: unknown) => AnyClient } };
    inference: { GRPCInferenceService: new (address: string, creds: unknown) => AnyClient };
  };
  const address = `127.0.0.1:${service.grpcPort}`;
  sift = new loaded.sift.v1.Predictor(address, credentials.createInsecure());
  v2 = new loaded.inference.GRPCInferenceService(address, credentials.createInsecure());
});

after(async () => {
  sift?.close();
  v2?.close();
  await service?.close();
  registry?.close();
  await rm(base, { recursive: true, force: true });
});

/** Names a request could carry to reach the decoy. */
function hostileNames(): string[] {
  return [
    "../decoy",
    "../../decoy",
    "../../decoy/models/decoy",
    "..",
    "../..",
    "..\\..\\decoy",
    "....//....//decoy",
    "relevance/../../../decoy",
    decoy,
    path.join(decoy, "1"),
    "decoy\u0000",
    "%2e%2e%2f%2e%2e%2fdecoy",
  ];
}

/** HTTP exactly as given: no client-side normalisation of `..` segments. */
function raw(method: string, rawPath: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: service.port,
        method,
        path: rawPath,
        headers: body === undefined ? {} : { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const INFER = JSON.stringify({
  inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: ["Forest fire near La Ronge"] }],
});

function restAttempts(name: string): Array<[string, string, string | undefined]> {
  const attempts: Array<[string, string, string | undefined]> = [];
  for (const segment of new Set([encodeURIComponent(name), name.replaceAll("\u0000", "%00")])) {
    attempts.push(
      ["GET", `/v1/models/${segment}`, undefined],
      ["GET", `/v2/models/${segment}`, undefined],
      ["GET", `/v2/models/${segment}/ready`, undefined],
      ["GET", `/v2/models/${segment}/versions/1`, undefined],
      ["POST", `/v2/models/${segment}/infer`, INFER],
      ["POST", `/v2/models/${segment}/versions/1/infer`, INFER],
      ["POST", `/v2/models/relevance/versions/${segment}/infer`, INFER],
    );
  }
  attempts.push(["POST", "/v1/predict", JSON.stringify({ sentence: "Forest fire", model: name })]);
  return attempts;
}

function grpcCall(client: AnyClient, method: string, request: unknown): Promise<ServiceError | null> {
  return new Promise((resolve) => {
    (client[method] as Unary).call(client, request, (error) => resolve(error));
  });
}

describe("model names from requests", () => {
  it("never reach a decoy model outside the store, through any transport", async (t) => {
    const decoyFiles = await filesUnder(decoy);
    assert.ok(decoyFiles.length >= 4, "the decoy must be in place");
    await ageFiles(decoyFiles);

    // The access-time check must be able to fail here: a canary read moves its access time.
    const canary = path.join(base, "canary");
    await writeFile(canary, "canary");
    await ageFiles([canary]);
    await readFile(canary);
    const atimeWorks = (await readFiles([canary])).length === 1;
    if (!atimeWorks) t.diagnostic("this file system does not record reads; checking answers only");

    for (const name of hostileNames()) {
      for (const [method, url, body] of restAttempts(name)) {
        const { status, text } = await raw(method, url, body);
        const where = `${method} ${url}`;
        assert.ok(status === 400 || status === 404, `${status} for ${where}: ${text.slice(0, 200)}`);
        assert.ok(!text.includes("DECOY"), `${where} answered from the decoy`);
        assert.match(text, /^\{"error":\{"code":"[A-Z_]+"/, where);
      }
      const predict = await grpcCall(sift, "Predict", { sentence: "Forest fire", model: name });
      const infer = await grpcCall(v2, "ModelInfer", {
        modelName: name,
        modelVersion: "1",
        inputs: [
          { name: "text", datatype: "BYTES", shape: [1], contents: { bytesContents: [Buffer.from("fire")] } },
        ],
      });
      const meta = await grpcCall(v2, "ModelMetadata", { name, version: "" });
      for (const error of [predict, infer, meta]) {
        assert.ok(error !== null, `gRPC answered for ${JSON.stringify(name)}`);
        assert.ok(
          [grpcStatus.NOT_FOUND, grpcStatus.INVALID_ARGUMENT].includes(error.code),
          `${error.code} ${error.details}`,
        );
        assert.ok(!error.details.includes("DECOY"));
      }
    }

    const models = (await (await fetch(`${service.url}/v1/models`)).json()) as {
      models: Array<{ name: string }>;
    };
    assert.deepEqual(
      models.models.map((m) => m.name),
      ["relevance"],
    );
    if (atimeWorks) assert.deepEqual(await readFiles(decoyFiles), [], "decoy files were read");
  });

  it("is refused by the store itself for references given at start-up", async () => {
    for (const name of hostileNames()) {
      await assert.rejects(async () => registry.resolve(`${name}@1`), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(
        async () =>
          startService({ store, models: [`${name}@1`], port: 0, grpcPort: null, logLevel: "silent" }),
        { code: "MODEL_REF_INVALID" },
        name,
      );
    }
  });
});
