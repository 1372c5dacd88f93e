/**
 * Crash safety of `sift train --promote`: SIGKILL at random moments, 50 times, and after each the
 * store verifies and production still loads; then four trainers at once on one store get four
 * distinct versions. Each run is kept tiny (300 rows, gates relaxed) so the loop stays quick.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { type ClassifierSpec, loadClassifier } from "../src/learn/index.ts";
import { openRegistry } from "../src/registry/index.ts";
import { CLI, generateRows, writeJsonl } from "./train-fixtures.ts";

let dir = "";
let store = "";
let data = "";
let config = "";

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sift-reliability-"));
  store = path.join(dir, "store");
  data = writeJsonl(path.join(dir, "data.jsonl"), generateRows(300, 5, 0.04));
  config = path.join(dir, "tiny.yaml");
  fs.writeFileSync(
    config,
    "model:\n  search: {}\ngates:\n  metrics: []\n  champion: false\nreport:\n  topFeatures: 5\n",
  );
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

function train(killAfterMs?: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI, "train", "--promote", "--data", data, "--config", config, "--store", store, "--json"],
      {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

async function checkStore(): Promise<number> {
  const registry = openRegistry(store);
  try {
    const report = await registry.verify();
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    const production = await registry.resolve("relevance@production");
    const artifact = await registry.load(production.name, production.version);
    const classifier = loadClassifier({
      spec: artifact.manifest.classifier as ClassifierSpec,
      files: artifact.files,
    });
    assert.equal(classifier.predictProba(["a fire downtown"]).length, 1);
    return production.version;
  } finally {
    registry.close();
  }
}

async function timedTrain(): Promise<number> {
  const started = Date.now();
  const exit = await train();
  assert.equal(exit.code, 0, exit.stderr);
  return Date.now() - started;
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

test("SIGKILL at random moments of `sift train --promote`, 50 times: the store stays consistent", {
  timeout: 600_000,
}, async (t) => {
  const first = await train();
  assert.equal(first.code, 0, first.stderr);
  // How long a whole run takes here, so kills land across every step, registration included.
  // The span is the quickest whole run seen so far, so a slow first measurement (a busy machine)
  // cannot push most kill moments past the end of a run.
  let span = await timedTrain();
  const next = random(20_301);
  let killed = 0;
  let previous = await checkStore();
  for (let i = 0; i < 50; i++) {
    const started = Date.now();
    const exit = await train(Math.floor(next() * span));
    if (exit.signal === "SIGKILL") killed++;
    else {
      assert.equal(exit.code, 0, exit.stderr);
      span = Math.min(span, Date.now() - started);
    }
    const production = await checkStore();
    assert.ok(production >= previous, "production never moves backwards");
    previous = production;
  }
  t.diagnostic(`${killed} of 50 runs killed; quickest whole run ${span} ms`);
  assert.ok(killed >= 25, `only ${killed} of 50 runs were killed before they finished`);
});

test("four trainers at once on one store: four distinct versions, all verified", {
  timeout: 300_000,
}, async () => {
  const registry = openRegistry(store);
  const before = (await registry.show("relevance")).latest;
  registry.close();
  const exits = await Promise.all([train(), train(), train(), train()]);
  for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
  const after = openRegistry(store);
  try {
    const details = await after.show("relevance");
    const fresh = details.versions.map((v) => v.version).filter((v) => v > before);
    assert.deepEqual(
      fresh.sort((a, b) => a - b),
      [before + 1, before + 2, before + 3, before + 4],
    );
    const report = await after.verify();
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    for (const version of fresh) await after.load("relevance", version);
  } finally {
    after.close();
  }
});
