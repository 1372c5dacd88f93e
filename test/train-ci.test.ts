/**
 * What .github/workflows/retrain.yml does, simulated end to end: `sift retrain` run as a child
 * process on a temporary store, twice, with the data changed in between; then the versions,
 * aliases, runs and exit codes a scheduler would see. A third run with an impossible gate must
 * exit 3 and leave production where it was.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { CLI, generateRows, writeJsonl } from "./train-fixtures.ts";

let dir = "";
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sift-ci-"));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function sift(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, SIFT_STORE: path.join(dir, "store") },
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("scheduled retraining: two runs on changing data, then a gate failure", () => {
  const data = path.join(dir, "data.jsonl");
  writeJsonl(data, generateRows(800, 1, 0.04));
  const first = sift("retrain", "--data", data, "--json");
  assert.equal(first.status, 0, first.stderr);
  const run1 = JSON.parse(first.stdout) as {
    version: number;
    promoted: boolean;
    run: { id: string; kind: string };
  };
  assert.deepEqual([run1.version, run1.promoted, run1.run.kind], [1, true, "retrain"]);

  // New labelled data arrives: more rows, a different sample.
  writeJsonl(data, [...generateRows(800, 1, 0.04), ...generateRows(300, 2, 0.04)]);
  const second = sift("retrain", "--data", data, "--json");
  assert.equal(second.status, 0, second.stderr);
  const run2 = JSON.parse(second.stdout) as {
    version: number;
    promoted: boolean;
    run: { id: string; dataFingerprint: string };
  };
  assert.equal(run2.version, 2);
  assert.equal(run2.promoted, true);

  fs.writeFileSync(
    path.join(dir, "strict.yaml"),
    "gates:\n  metrics:\n    - { metric: precision, min: 0.999 }\n",
  );
  const third = sift("retrain", "--data", data, "--config", "strict.yaml", "--json");
  assert.equal(third.status, 3, third.stderr);
  assert.match(third.stderr, /GATE_FAILED: Run \S+ failed its gates: test\.precision >= 0\.999: failed with/);
  const run3 = JSON.parse(third.stdout) as { version: number; promoted: boolean; run: { status: string } };
  assert.deepEqual([run3.version, run3.promoted, run3.run.status], [3, false, "gate_failed"]);

  const runs = JSON.parse(sift("runs", "list", "--json").stdout) as Array<{
    status: string;
    artifact: string;
    promoted: boolean;
  }>;
  assert.deepEqual(
    runs.map((r) => [r.status, r.artifact, r.promoted]),
    [
      ["gate_failed", "relevance@3", false],
      ["succeeded", "relevance@2", true],
      ["succeeded", "relevance@1", true],
    ],
  );
  const shown = JSON.parse(sift("runs", "show", run1.run.id, "--json").stdout) as {
    log: Array<{ line: string }>;
  };
  assert.ok(shown.log.some((l) => l.line.includes("production → 1")));

  const compared = sift("runs", "compare", run1.run.id, run2.run.id);
  assert.equal(compared.status, 0, compared.stderr);
  assert.match(compared.stdout, /^data\s/m, "the data fingerprint differs between the runs");

  const missing = sift("runs", "show", "no-such-run");
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /RUN_NOT_FOUND/);
});

test("bad configuration exits 2 and names the key", () => {
  fs.writeFileSync(path.join(dir, "bad.yaml"), "model:\n  cvFolds: 1\n");
  const result = sift("train", "--config", "bad.yaml", "--data", "whatever.jsonl");
  assert.equal(result.status, 2);
  assert.match(
    result.stderr,
    /CONFIG_INVALID: Config model\.cvFolds: is 1; it must be an integer from 2 to 20/,
  );
});
