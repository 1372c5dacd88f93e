/**
 * `sift predict` and `sift serve` argument handling through the real command line (child
 * processes): text and JSON answers that match the model, explanations, and every bad reference
 * answered with its catalogued message and exit code.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { errorCatalogue, siftError } from "../src/errors.ts";
import { DEFAULT_MODEL_REF, isPredictionId, predictOffline } from "../src/serve/index.ts";
import { storeWithModel, type TempStore } from "./serve-fixtures.ts";

const CLI = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const SENTENCE = "Forest fire near La Ronge Sask. Canada";

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sift(args: readonly string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, SIFT_STORE: "", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The exact line main.ts prints for a catalogued error. */
function errorLine(code: keyof typeof errorCatalogue, ...args: Array<string | number>): string {
  return `sift: ${code}: ${siftError(code, ...args).message}\n`;
}

let store: TempStore;
let expected: { label: string; probability: number };

before(async () => {
  store = await storeWithModel();
  const outcome = await predictOffline({ store: store.root, sentences: [SENTENCE] });
  const prediction = outcome.predictions[0];
  assert.ok(prediction !== undefined);
  expected = { label: prediction.label, probability: prediction.probability };
});

after(async () => {
  await store.cleanup();
});

describe("sift predict", { concurrency: 3 }, () => {
  it("prints the label, probability, threshold and model version", async () => {
    const { code, stdout, stderr } = await sift(["predict", SENTENCE, "--store", store.root]);
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.equal(
      stdout,
      `${expected.label}  p=${expected.probability.toFixed(4)}  threshold=0.5  model=relevance@1\n`,
    );
  });

  it("prints JSON in the shape of POST /v1/predict with --json", async () => {
    const { code, stdout } = await sift(["predict", SENTENCE, "--store", store.root, "--json"]);
    assert.equal(code, 0);
    const body = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["id", "label", "model", "probability", "threshold"]);
    assert.equal(body.label, expected.label);
    assert.equal(body.probability, expected.probability);
    assert.equal(body.threshold, 0.5);
    assert.deepEqual(body.model, { name: "relevance", version: 1 });
    assert.ok(isPredictionId(String(body.id)), String(body.id));
  });

  it("explains the decision with --explain, as text and as JSON", async () => {
    const [text, json] = await Promise.all([
      sift(["predict", SENTENCE, "--store", store.root, "--model", "relevance@1", "--explain"]),
      sift(["predict", SENTENCE, "--store", store.root, "--explain", "--json"]),
    ]);
    assert.equal(text.code, 0);
    const lines = text.stdout.trimEnd().split("\n");
    assert.match(lines[1] ?? "", /^score -?\d+\.\d{4} = bias -?\d+\.\d{4} \+ features:$/);
    assert.ok(lines.length >= 3, text.stdout);
    for (const line of lines.slice(2)) assert.match(line, /^ {2}[+-]\d+\.\d{4} {2}\S/);

    assert.equal(json.code, 0);
    const body = JSON.parse(json.stdout) as {
      probability: number;
      explanation: { score: number; features: Array<{ feature: string; contribution: number }> };
    };
    assert.ok(body.explanation.features.length > 0);
    assert.ok(Math.abs(1 / (1 + Math.exp(-body.explanation.score)) - body.probability) < 1e-9);
    assert.equal(lines.length - 2, body.explanation.features.length);
  });

  it("refuses a reference that is not a model name, with exit code 2", async () => {
    for (const ref of ["../decoy", "relevance@", "/etc/passwd"]) {
      const { code, stdout, stderr } = await sift([
        "predict",
        SENTENCE,
        "--store",
        store.root,
        "--model",
        ref,
      ]);
      assert.equal(stdout, "");
      assert.equal(stderr, errorLine("MODEL_REF_INVALID", JSON.stringify(ref)));
      assert.equal(code, errorCatalogue.MODEL_REF_INVALID.exit);
    }
  });

  it("names a missing model, alias or version with exit code 5", async () => {
    const [model, alias, version] = await Promise.all([
      sift(["predict", SENTENCE, "--store", store.root, "--model", "nope"]),
      sift(["predict", SENTENCE, "--store", store.root, "--model", "relevance@staging"]),
      sift(["predict", SENTENCE, "--store", store.root, "--model", "relevance@9"]),
    ]);
    assert.equal(model.stderr, errorLine("MODEL_NOT_FOUND", "nope", store.root));
    assert.equal(alias.stderr, errorLine("ALIAS_NOT_FOUND", "relevance", "staging", "relevance"));
    assert.equal(version.stderr, errorLine("VERSION_NOT_FOUND", "relevance", 9, "relevance"));
    for (const outcome of [model, alias, version]) {
      assert.equal(outcome.code, 5);
      assert.equal(outcome.stdout, "");
    }
  });

  it("refuses an empty sentence with exit code 2", async () => {
    const { code, stderr } = await sift(["predict", "   ", "--store", store.root]);
    assert.equal(stderr, errorLine("EMPTY_SENTENCE", "The sentence"));
    assert.equal(code, 2);
  });
});

describe("sift serve options", { concurrency: 2 }, () => {
  it("refuses a PORT that is not a port number, before loading anything", async () => {
    const { code, stderr } = await sift(["serve", "--store", store.root], { PORT: "80a" });
    assert.equal(
      stderr,
      errorLine("SERVE_OPTION_INVALID", "PORT", JSON.stringify("80a"), "set it to a port number"),
    );
    assert.equal(code, 2);
  });

  it("refuses a --model reference that could name a path", async () => {
    const { code, stderr } = await sift([
      "serve",
      "--store",
      store.root,
      "--port",
      "0",
      "--grpc-port",
      "0",
      "--model",
      "../../decoy@1",
    ]);
    assert.equal(stderr, errorLine("MODEL_REF_INVALID", JSON.stringify("../../decoy@1")));
    assert.equal(code, 2);
  });

  it("documents the default model the serve module uses", async () => {
    const { code, stdout } = await sift(["serve", "--help"]);
    assert.equal(code, 0);
    assert.ok(stdout.replace(/\s+/g, " ").includes(`(default ${DEFAULT_MODEL_REF})`), stdout);
  });
});
