/**
 * The production loop end to end, on the bundled sample and one running server that is never
 * restarted: serve production v1 → traffic → feedback → shifted traffic flags drift →
 * `sift learn` and `sift retrain --with-feedback` register candidates → A/B split and shadow →
 * promote the better one → `sift monitor report` shows every step. The CLI runs in-process
 * through commander (the real command definitions), which keeps the scenario fast.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { Command } from "commander";
import { registerModelsCommands } from "../src/cli/models.ts";
import { output, registerMonitorCommands } from "../src/cli/monitor.ts";
import { registerTrainCommands } from "../src/cli/train.ts";
import { prepareData } from "../src/data/index.ts";
import { isSiftError } from "../src/errors.ts";
import { defaultLogPath } from "../src/monitor/index.ts";
import { decodeSeenKeys, SAMPLE_PACKAGE, SEEN_KEYS_FILE } from "../src/pipeline/index.ts";
import { type RunningService, startService } from "../src/serve/index.ts";
import { waitFor } from "./monitor-fixtures.ts";

let dir = "";
let storeDir = "";
let config = "";
let service: RunningService;

/**
 * Gates sized for the 324-sentence sample: the scenario is about the loop, not the sample's
 * quality, and must not break when the default bounds move.
 */
const CONFIG = `gates:
  metrics:
    - metric: precision
      min: 0.5
    - metric: recall
      min: 0.5
  championTolerance: 0.1
`;

/**
 * Runs a sift command in-process. Monitor and models output is captured through their output
 * seams; never patch process.stdout here: the test runner reports through it.
 */
async function sift(...args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const capture = (text: string) => {
    out += text;
  };
  const program = new Command("sift").exitOverride();
  registerModelsCommands(program, { out: capture });
  registerTrainCommands(program);
  registerMonitorCommands(program);
  const write = output.write;
  output.write = capture;
  let code = 0;
  try {
    await program.parseAsync([...args, "--store", storeDir], { from: "user" });
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    code = isSiftError(error) ? error.exitCode : 1;
    if (!isSiftError(error)) throw error;
  } finally {
    output.write = write;
    process.exitCode = undefined;
  }
  return { code, out };
}

async function post(route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Predicts, then tells the truth: the traffic and feedback of one user. */
async function predictWithFeedback(sentence: string, label: string, key?: string): Promise<number> {
  const answer = await post("/v1/predict", key === undefined ? { sentence } : { sentence, key });
  const feedback = await post("/v1/feedback", { id: answer.id, label });
  assert.equal(feedback.status, "created");
  return (answer.model as { version: number }).version;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sift-scenario-"));
  storeDir = path.join(dir, "store");
  config = path.join(dir, "sift.config.yaml");
  await writeFile(config, CONFIG);
});

after(async () => {
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

test("the production loop, from v1 in production to a promoted candidate, without a restart", async () => {
  // 1. Train v1 on the bundled sample and serve it, with the prediction log on.
  assert.equal((await sift("train", "--promote", "--json", "--config", config)).code, 0);
  service = await startService({
    store: storeDir,
    port: 0,
    grpcPort: null,
    pollMs: 50,
    logLevel: "silent",
    docs: false,
    loop: {
      logPath: defaultLogPath(storeDir),
      keepSentences: true,
      flushIntervalMs: 10,
      refreshIntervalMs: 0,
      pollMs: 50,
      thresholds: { minSamples: 40 },
    },
  });
  await service.loaded;
  const monitor = service.loop.monitor;
  assert.ok(monitor);
  const rows = (await prepareData(SAMPLE_PACKAGE.pathname)).rows;

  // 2. In-distribution traffic with feedback: no vocabulary drift.
  for (const row of rows.slice(0, 60)) await predictWithFeedback(row.text, row.label);
  let { drift } = await monitor.refresh();
  assert.equal(drift[0]?.version, 1);
  assert.ok(!drift[0]?.alerts.includes("oov_rate"), `before the shift: ${drift[0]?.alerts}`);

  // 3. The traffic shifts to sentences the model never saw: drift is flagged.
  for (let i = 0; i < 60; i++) {
    await predictWithFeedback(`zorblax quuxifer ${i} snarfwidget blimpcore vextral ${i}`, "Not Relevant");
  }
  ({ drift } = await monitor.refresh());
  assert.ok(drift[0]?.alerts.includes("oov_rate"), `after the shift: ${drift[0]?.alerts}`);
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  assert.match(metrics, /sift_drift_alert\{model="relevance",version="1",signal="oov_rate"\} 1/);

  // 4. Candidates: online learning from feedback, and retraining with feedback merged in.
  const learned = JSON.parse((await sift("learn", "--json", "--config", config)).out) as {
    version: number;
    method: string;
  };
  assert.deepEqual([learned.version, learned.method], [2, "refit-online"]);
  // It says what it was fitted on (every row of the data and the feedback), for later champion gates.
  const seen = decodeSeenKeys(
    (await service.registry.load("relevance", 2)).files[SEEN_KEYS_FILE] ?? new Uint8Array(1),
  );
  assert.ok(
    seen !== null && seen.length >= rows.length,
    `seen keys: ${seen?.length} for ${rows.length} rows`,
  );
  assert.equal(
    (await sift("retrain", "--with-feedback", "--no-promote", "--json", "--config", config)).code,
    0,
  );
  assert.equal((await service.registry.resolve("relevance@candidate")).version, 3);
  assert.equal(service.manager.route({}).version, 1, "production did not change");

  // 5. A/B between v1 and v3 (sticky by user), v2 in shadow — applied by the running server.
  assert.equal((await sift("traffic", "split", "relevance", "1=0.5", "3=0.5")).code, 0);
  assert.equal((await sift("traffic", "shadow", "relevance", "2")).code, 0);
  await waitFor(() => service.loop.traffic.loaded().length === 2, 10_000, "policy versions loaded");
  await waitFor(() => service.loop.traffic.policy("relevance").shadow.length === 1, 10_000, "shadow applied");
  const versions = new Set<number>();
  for (const [i, row] of rows.slice(60, 200).entries()) {
    versions.add(await predictWithFeedback(row.text, row.label, `user-${i % 40}`));
  }
  assert.deepEqual([...versions].sort(), [1, 3]);
  await waitFor(
    () => service.loop.shadowStats.scored >= 140,
    10_000,
    `shadow scoring ${JSON.stringify(service.loop.shadowStats)}`,
  );
  const { live } = await monitor.refresh();
  const f1 = (version: number, route: string) =>
    live.find((m) => m.version === version && m.route === route && m.labelled > 0)?.f1;
  const candidates = [
    { version: 2, f1: f1(2, "shadow") ?? 0 },
    { version: 3, f1: f1(3, "primary") ?? 0 },
  ];
  assert.ok(
    candidates.every((c) => c.f1 > 0),
    JSON.stringify(live),
  );
  const better = candidates.reduce((a, b) => (b.f1 > a.f1 ? b : a));

  // 6. Promote the better candidate: the experiment ends, the server swaps without a restart.
  assert.equal((await sift("models", "promote", "relevance", String(better.version))).code, 0);
  await waitFor(
    () => service.manager.route({}).version === better.version,
    10_000,
    "promoted version serving",
  );
  await waitFor(() => service.loop.traffic.policy("relevance").split.length === 0, 10_000, "policy cleared");
  assert.equal(
    await predictWithFeedback(rows[0]?.text ?? "x", rows[0]?.label ?? "Relevant", "user-1"),
    better.version,
  );

  // 7. The report shows each step.
  const reportFile = path.join(dir, "report.html");
  const report = await sift("monitor", "report", "--out", reportFile);
  assert.equal(report.code, 0);
  const html = await readFile(reportFile, "utf8");
  for (const step of ["model_loaded", "drift_alert", "candidate", "traffic_policy"]) {
    assert.match(html, new RegExp(`event-${step}`), `the report shows ${step}`);
  }
  assert.match(html, /relevance@2 \(shadow\)/);
  assert.match(html, /relevance@3/);
  assert.match(html, new RegExp(`relevance@production serves version ${better.version}`));
  assert.doesNotMatch(html, /<script/);
});
