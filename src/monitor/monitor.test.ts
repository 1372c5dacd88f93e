import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Registry } from "prom-client";
import { isSiftError } from "../errors.ts";
import { buildReference, LogStore, Monitor, type PredictionEvent, PredictionLog } from "./index.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sift-monitor-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function event(i: number, overrides: Partial<PredictionEvent> = {}): PredictionEvent {
  return {
    id: `p${i}`,
    time: Date.now(),
    model: "relevance",
    version: 1,
    score: 0.2,
    label: "Not Relevant",
    latencyMs: 1,
    route: "primary",
    variant: "default",
    sentence: `sentence number ${i}`,
    ...overrides,
  };
}

test("the queue drops and counts entries beyond its capacity instead of waiting", async () => {
  const dropped: number[] = [];
  const log = await PredictionLog.open(
    { path: join(dir, "drop.db"), queueCapacity: 10, batchSize: 1000, flushIntervalMs: 60_000 },
    { onDrop: (n) => dropped.push(n) },
  );
  const accepted = Array.from({ length: 25 }, (_, i) => log.enqueue(event(i))).filter(Boolean).length;
  assert.equal(accepted, 10);
  assert.equal(log.stats.dropped, 15);
  assert.equal(dropped.length, 15);
  await log.drain();
  assert.equal(log.stats.written, 10);
  await log.close();
  assert.equal(log.enqueue(event(99)), false, "a closed log drops");
});

test("batches queued behind one another are written together, each acknowledged, in order with calls", async () => {
  const written: number[] = [];
  const log = await PredictionLog.open(
    { path: join(dir, "coalesce.db"), queueCapacity: 10_000, batchSize: 25, flushIntervalMs: 60_000 },
    { onWritten: (n) => written.push(n) },
  );
  for (let i = 0; i < 3000; i++) log.enqueue(event(i));
  // A call flushes every queued batch at once (120 messages): the writer finds them waiting and
  // writes them in a few transactions; the call itself is answered after all of them.
  assert.deepEqual(await log.call("counts"), { rows: 3000, feedback: 0 });
  assert.equal(written.length, 120, "every batch acknowledged on its own");
  assert.ok(written.every((n) => n === 25));
  log.enqueue(event(5000, { id: "p0" })); // an id already logged: ignored, still acknowledged
  for (let i = 3000; i < 3010; i++) log.enqueue(event(i));
  await log.drain();
  assert.equal(log.stats.written, 3011);
  await log.close();
  const store = new LogStore(join(dir, "coalesce.db"), { readOnly: true });
  const ids = [...store.rows()].map((row) => row.id);
  store.close();
  assert.equal(ids.length, 3010);
  assert.equal(new Set(ids).size, 3010);
});

test("feedback posted right after a prediction finds it (the queue is flushed first)", async () => {
  const log = await PredictionLog.open({ path: join(dir, "order.db"), flushIntervalMs: 60_000 });
  log.enqueue(event(1));
  const result = await log.call("recordFeedback", { id: "p1", label: "Relevant" }, Date.now());
  assert.equal(result.status, "created");
  await assert.rejects(
    log.call("recordFeedback", { id: "missing", label: "Relevant" }, Date.now()),
    (e: unknown) => isSiftError(e) && e.code === "PREDICTION_NOT_FOUND",
  );
  await log.close();
});

test("the monitor sets live and drift gauges, and raises then clears a drift alert", async () => {
  const registry = new Registry();
  const warnings: string[] = [];
  const monitor = await Monitor.open({
    log: { path: join(dir, "monitor.db") },
    registry,
    refreshIntervalMs: 0,
    thresholds: { minSamples: 20 },
    driftWindow: 40,
    logger: { warn: (_f, m) => warnings.push(m), info() {} },
  });
  const reference = buildReference({
    texts: Array.from({ length: 40 }, (_, i) => `sentence number ${i}`),
    scores: Array.from({ length: 40 }, (_, i) => (i % 10) / 10),
    labels: Array.from({ length: 40 }, (_, i) => (i % 2 ? "Relevant" : "Not Relevant")),
  });
  await monitor.observeModel({
    name: "relevance",
    version: 1,
    labels: { positive: "Relevant", negative: "Not Relevant" },
    reference,
  });
  for (let i = 0; i < 40; i++) {
    monitor.onPrediction(event(i, { score: (i % 10) / 10, label: i % 2 ? "Relevant" : "Not Relevant" }));
  }
  let { drift } = await monitor.refresh();
  assert.deepEqual(drift[0]?.alerts, []);
  for (let i = 40; i < 80; i++) {
    monitor.onPrediction(
      event(i, { score: 0.99, label: "Relevant", sentence: "zzz qqq xxx www vvv uuu ttt" }),
    );
  }
  ({ drift } = await monitor.refresh());
  assert.deepEqual(drift[0]?.alerts, ["score_psi", "length_psi", "oov_rate", "label_mix"]);
  assert.deepEqual(warnings, ["drift detected"]);
  await monitor.recordFeedback({ id: "p41", label: "Relevant" });
  await monitor.recordFeedback({ id: "p42", label: "Not Relevant" });
  await monitor.refresh();
  const text = await registry.metrics();
  assert.match(text, /sift_drift_alert\{model="relevance",version="1",signal="score_psi"\} 1/);
  assert.match(text, /sift_live_precision\{model="relevance",version="1",route="primary"\} 0.5/);
  assert.match(text, /sift_prediction_log_written_total 80/);
  assert.match(text, /sift_feedback_total\{status="created"\} 2/);
  for (let i = 80; i < 120; i++) {
    const label = i % 2 ? "Relevant" : "Not Relevant";
    monitor.onPrediction(event(i, { score: (i % 10) / 10, label, sentence: `sentence number ${i % 40}` }));
  }
  const summary = await monitor.summary();
  assert.equal(summary.log.rows, 120);
  assert.deepEqual(summary.drift[0]?.alerts, []);
  assert.deepEqual(
    summary.events.map((e) => e.kind),
    ["drift_alert", "drift_cleared"],
  );
  await monitor.close();
  const store = new LogStore(join(dir, "monitor.db"), { readOnly: true });
  assert.equal(store.counts().feedback, 2);
  store.close();
});
