/**
 * The training pipeline end to end, in process, on small generated data: registration and
 * promotion, gate failures, champion/challenger, determinism, and a store that cannot be written.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type ClassifierSpec, loadClassifier } from "../src/learn/index.ts";
import {
  decodeSeenKeys,
  defaultConfig,
  openRunStore,
  type PipelineConfig,
  resolveConfig,
  runTraining,
  SEEN_KEYS_FILE,
} from "../src/pipeline/index.ts";
import { nodeStoreWriter, openRegistry, type StoreWriter } from "../src/registry/index.ts";
import { generateRows, writeJsonl } from "./train-fixtures.ts";

let root = "";
let dataFile = "";

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "sift-pipeline-"));
  dataFile = writeJsonl(path.join(root, "data.jsonl"), generateRows(800, 1, 0.04));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

function config(store: string, overrides: Record<string, unknown> = {}): PipelineConfig {
  const base = defaultConfig();
  return resolveConfig({
    ...overrides,
    store,
    data: { ...base.data, source: dataFile, ...(overrides.data as object) },
  });
}

const fixedClock = () => new Date("2030-01-01T00:00:00.000Z");

/** A small fast model (word TF-IDF, logistic regression, no search) for tests about gates, not quality. */
const QUICK: Record<string, unknown> = {
  model: {
    spec: {
      kind: "text-linear",
      params: {},
      parts: {
        features: { kind: "tfidf", params: { analyzer: "word" } },
        estimator: { kind: "logistic", params: {} },
      },
    },
    search: {},
  },
  gates: { metrics: [] },
};

describe("runTraining", () => {
  test("trains, registers, promotes with --promote, records the run and writes the report", async () => {
    const store = path.join(root, "s1");
    const result = await runTraining({ config: config(store), promote: true });
    assert.equal(result.gatesPassed, true);
    assert.equal(result.version, 1);
    assert.equal(result.promoted, true);
    assert.equal(result.run.status, "succeeded");
    assert.equal(result.run.artifact, "relevance@1");
    assert.match(result.run.dataFingerprint ?? "", /^[0-9a-f]{64}$/);
    assert.ok(result.reportPath && fs.readFileSync(result.reportPath, "utf8").includes("relevance@1"));

    const registry = openRegistry(store);
    try {
      assert.deepEqual(await registry.resolve("relevance@production"), { name: "relevance", version: 1 });
      const artifact = await registry.load("relevance", 1);
      assert.equal(artifact.manifest.runId, result.run.id);
      assert.equal(artifact.manifest.threshold, result.run.metrics?.test.threshold);
      const reference = artifact.manifest.reference as { score: { counts: number[] }; vocabulary: unknown[] };
      assert.equal(
        reference.score.counts.reduce((a, b) => a + b, 0),
        result.run.metrics?.test.support,
      );
      assert.ok(reference.vocabulary.length > 10);
    } finally {
      registry.close();
    }

    const runs = openRunStore(store);
    try {
      const recorded = runs.get(result.run.id);
      assert.equal(recorded.status, "succeeded");
      assert.equal(recorded.gates.length, 3);
      assert.ok(
        runs.log(result.run.id).some((l) => l.line.startsWith("registered relevance@1; production → 1")),
      );
    } finally {
      runs.close();
    }
  });

  test("the registered artifact rebuilds the classifier that was evaluated", async () => {
    const store = path.join(root, "s1");
    const registry = openRegistry(store);
    try {
      const artifact = await registry.load("relevance", 1);
      // What serving does: the manifest's spec and the artifact's files rebuild the classifier.
      const classifier = loadClassifier({
        spec: artifact.manifest.classifier as ClassifierSpec,
        files: artifact.files,
      });
      const fresh = generateRows(200, 99, 0);
      const scores = classifier.predictProba(fresh.map((row) => row.text));
      const hits = fresh.filter(
        (row, i) => (scores[i] ?? 0) >= artifact.manifest.threshold === (row.choose_one === "Relevant"),
      );
      assert.ok(hits.length / fresh.length > 0.75, `accuracy on fresh rows is ${hits.length / fresh.length}`);
    } finally {
      registry.close();
    }
  });

  test("without --promote a passing model becomes candidate; production does not move", async () => {
    const store = path.join(root, "s2");
    await runTraining({ config: config(store), promote: true });
    // A different seed may trail the champion a little; this test is about aliases, not the gate.
    const second = await runTraining({ config: config(store, { seed: 7, gates: { championTolerance: 1 } }) });
    assert.equal(second.gatesPassed, true);
    assert.equal(second.version, 2);
    assert.equal(second.promoted, false);
    const registry = openRegistry(store);
    try {
      assert.equal((await registry.resolve("relevance@production")).version, 1);
      assert.equal((await registry.resolve("relevance@candidate")).version, 2);
    } finally {
      registry.close();
    }
  });

  test("a failing metric gate: registered without alias, production untouched, run recorded with the reason", async () => {
    const store = path.join(root, "s3");
    await runTraining({ config: config(store), promote: true });
    const failing = await runTraining({
      config: config(store, { gates: { metrics: [{ metric: "precision", min: 0.999 }] } }),
      promote: true,
    });
    assert.equal(failing.gatesPassed, false);
    assert.equal(failing.promoted, false);
    assert.equal(failing.run.status, "gate_failed");
    assert.equal(failing.version, 2);
    const failed = failing.run.gates.filter((g) => !g.passed);
    assert.deepEqual(
      failed.map((g) => g.gate),
      ["test.precision >= 0.999"],
    );
    const registry = openRegistry(store);
    try {
      assert.equal((await registry.resolve("relevance@production")).version, 1);
      assert.deepEqual((await registry.show("relevance")).aliases, { production: 1 });
    } finally {
      registry.close();
    }
  });

  test("champion/challenger: a clearly worse candidate fails against production on the same rows", async () => {
    const store = path.join(root, "s4");
    await runTraining({ config: config(store), promote: true });
    // A threshold of 0.99 makes almost every prediction negative: its F1 collapses.
    const worse = await runTraining({
      config: config(store, { gates: { metrics: [] }, threshold: { rule: "fixed", value: 0.99 } }),
      promote: true,
    });
    assert.equal(worse.gatesPassed, false);
    assert.match(worse.run.gates[0]?.detail ?? "", /vs production v1 .*worse by more than the tolerance/);
    const registry = openRegistry(store);
    try {
      assert.equal((await registry.resolve("relevance@production")).version, 1);
    } finally {
      registry.close();
    }
  });

  test("champion/challenger scores both models on the test rows production never saw", async () => {
    const store = path.join(root, "s6");
    const first = await runTraining({ config: config(store, QUICK), promote: true });
    const registry = openRegistry(store);
    try {
      const v1 = await registry.load("relevance", 1);
      const rows = (v1.manifest.trainingConfig as { rows: Record<string, number> }).rows;
      assert.ok(v1.manifest.files[SEEN_KEYS_FILE], "listed in the manifest with its checksum");
      const seen = decodeSeenKeys(v1.files[SEEN_KEYS_FILE] ?? new Uint8Array(7));
      assert.equal(seen?.length, (rows.train ?? 0) + (rows.validation ?? 0), "train + validation rows");
      const test = first.run.metrics?.test.support;

      // Same data and seed: the split is the same, so every candidate test row is new to v1.
      const same = await runTraining({ config: config(store, QUICK), promote: true });
      assert.match(
        same.run.gates[0]?.detail ?? "",
        new RegExp(`on ${test} of ${test} test rows production v1 never saw`),
      );

      // Another seed moves rows across the split: most of the new test rows were v1's training rows.
      const reseeded = await runTraining({ config: config(store, { ...QUICK, seed: 7 }), promote: true });
      assert.equal(reseeded.run.gates[0]?.passed, true);
      assert.match(
        reseeded.run.gates[0]?.detail ?? "",
        new RegExp(
          `^not compared with production v2: only \\d+ of ${test} test rows are new to it .*at least 30 with 5 of each class`,
        ),
      );

      // A champion from before artifacts recorded their rows: compared on every row, and said so.
      const { formatVersion: _f, name: _n, version: _v, files: _l, ...manifest } = v1.manifest;
      const { [SEEN_KEYS_FILE]: _seen, ...files } = v1.files;
      const old = await registry.register("relevance", { manifest, files });
      await registry.promote("relevance", old.version, "production");
      const againstOld = await runTraining({ config: config(store, QUICK), promote: true });
      assert.match(
        againstOld.run.gates[0]?.detail ?? "",
        new RegExp(
          `on all ${test} test rows \\(production v${old.version}'s artifact does not record its training rows`,
        ),
      );
    } finally {
      registry.close();
    }
  });

  test("same data, config and seed ⇒ byte-identical artifact files", async () => {
    const dirs: string[] = [];
    for (const name of ["d1", "d2"]) {
      const store = path.join(root, name);
      await runTraining({ config: config(store), promote: true, clock: fixedClock, runId: "fixed-run" });
      const registry = openRegistry(store, { clock: fixedClock });
      try {
        dirs.push((await registry.load("relevance", 1)).dir);
      } finally {
        registry.close();
      }
    }
    const [a, b] = dirs as [string, string];
    const files = fs.readdirSync(a, { recursive: true }).map(String).sort();
    assert.deepEqual(fs.readdirSync(b, { recursive: true }).map(String).sort(), files);
    assert.ok(files.includes("manifest.json"));
    for (const file of files) {
      if (fs.statSync(path.join(a, file)).isDirectory()) continue;
      assert.ok(
        fs.readFileSync(path.join(a, file)).equals(fs.readFileSync(path.join(b, file))),
        `${file} differs`,
      );
    }
  });

  for (const errno of ["ENOSPC", "EROFS"]) {
    test(`a store that fails with ${errno}: STORE_NOT_WRITABLE, the store as it was`, async () => {
      const store = path.join(root, `full-${errno}`);
      await runTraining({ config: config(store), promote: true });
      const before = await snapshot(store);
      const failing: StoreWriter = {
        ...nodeStoreWriter,
        writeFile(file, data) {
          if (file.includes("manifest") || data.byteLength > 1000) {
            throw Object.assign(new Error(`${errno}: simulated`), { code: errno });
          }
          nodeStoreWriter.writeFile(file, data);
        },
      };
      await assert.rejects(runTraining({ config: config(store), promote: true, writer: failing }), {
        code: "STORE_NOT_WRITABLE",
      });
      assert.deepEqual(await snapshot(store), before);
      const runs = openRunStore(store);
      try {
        const last = runs.get("latest");
        assert.equal(last.status, "failed");
        assert.equal(last.error?.code, "STORE_NOT_WRITABLE");
      } finally {
        runs.close();
      }
    });
  }

  test("a data source that does not exist fails before anything is registered", async () => {
    const store = path.join(root, "s5");
    await assert.rejects(
      runTraining({ config: config(store, { data: { source: path.join(root, "nope.jsonl") } }) }),
      {
        code: "FILE_NOT_FOUND",
      },
    );
    const registry = openRegistry(store);
    try {
      assert.deepEqual(await registry.list(), []);
    } finally {
      registry.close();
    }
  });
});

async function snapshot(store: string): Promise<unknown> {
  const registry = openRegistry(store);
  try {
    const report = await registry.verify();
    return {
      list: await registry.list(),
      show: await registry.show("relevance"),
      ok: report.ok,
      problems: report.problems,
    };
  } finally {
    registry.close();
  }
}
