/**
 * The production loop inside a real server: feedback API, metrics, A/B split (sticky), shadow
 * logging, and a shadow that throws — all through HTTP on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { LogStore } from "../src/monitor/index.ts";
import { type RunningService, startService } from "../src/serve/index.ts";
import {
  type LoopStore,
  loopStore,
  registerWithReference,
  SAMPLE_SENTENCES,
  waitFor,
} from "./monitor-fixtures.ts";

let store: LoopStore;
let service: RunningService;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${service.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function predict(sentence: string, key?: string) {
  const { status, body } = await post("/v1/predict", key === undefined ? { sentence } : { sentence, key });
  assert.equal(status, 200, JSON.stringify(body));
  return body as { id: string; label: string; model: { version: number } };
}

before(async () => {
  store = await loopStore();
  service = await startService({
    store: store.root,
    port: 0,
    grpcPort: null,
    pollMs: 50,
    logLevel: "silent",
    docs: false,
    loop: { logPath: store.logPath, refreshIntervalMs: 0, pollMs: 50 },
  });
  await service.loaded;
});

after(async () => {
  await service.close();
  await store.cleanup();
});

describe("feedback", () => {
  it("joins by id, is idempotent, and a different label replaces the earlier one", async () => {
    const { id } = await predict("Forest fire near the town, evacuation ordered");
    assert.deepEqual(await post("/v1/feedback", { id, label: "Relevant" }), {
      status: 201,
      body: { status: "created", predictionId: id, label: "Relevant" },
    });
    assert.equal((await post("/v1/feedback", { id, label: "Relevant" })).body.status, "unchanged");
    const replaced = await post("/v1/feedback", { id, label: "Not Relevant" });
    assert.deepEqual([replaced.status, replaced.body.status], [200, "replaced"]);
  });

  it("answers 404 PREDICTION_NOT_FOUND for an unknown id", async () => {
    const { status, body } = await post("/v1/feedback", {
      id: "0190f3b2-0000-7000-8000-000000000000",
      label: "Relevant",
    });
    assert.equal(status, 404);
    assert.deepEqual(Object.keys(body), ["error"]);
    assert.equal((body.error as { code: string }).code, "PREDICTION_NOT_FOUND");
  });

  it("accepts a sentence instead of an id, and refuses bad bodies with 400", async () => {
    assert.equal(
      (await post("/v1/feedback", { sentence: "a sentence never scored", label: "Relevant" })).status,
      201,
    );
    for (const bad of [
      { label: "Relevant" },
      { id: "x", sentence: "both", label: "Relevant" },
      { id: "x", label: "Maybe" },
      { id: "x" },
      { id: "x", label: "Relevant", extra: 1 },
      { id: 5, label: "Relevant" },
    ]) {
      const { status, body } = await post("/v1/feedback", bad);
      assert.equal(status, 400, JSON.stringify(bad));
      assert.equal((body.error as { code: string }).code, "INVALID_REQUEST");
    }
  });

  it("shows live precision and recall per version in /metrics", async () => {
    const { id } = await predict("Flood waters rise in the city centre, roads closed");
    await post("/v1/feedback", { id, label: "Relevant" });
    await service.loop.monitor?.refresh();
    const text = await (await fetch(`${service.url}/metrics`)).text();
    assert.match(text, /sift_live_precision\{model="relevance",version="1",route="primary"\} [0-9.]+/);
    assert.match(text, /sift_live_recall\{model="relevance",version="1",route="primary"\} [0-9.]+/);
    assert.match(text, /sift_prediction_log_dropped_total 0/);
  });
});

describe("traffic policies", () => {
  it("splits traffic between versions, sticky by key, without a restart", async () => {
    const second = await registerWithReference(store.registry, "relevance", { C: 0.5, threshold: 0.5 });
    await store.registry.setTrafficPolicy("relevance", {
      split: [
        { version: 1, weight: 0.5 },
        { version: second.version, weight: 0.5 },
      ],
      shadow: [],
    });
    await waitFor(() => service.loop.traffic.policy("relevance").split.length === 2, 5000, "policy");
    await waitFor(
      () => service.loop.traffic.loaded().length === 1,
      5000,
      "version 2 loaded (v1 is production's)",
    );
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++)
      seen.add((await predict("Hurricane makes landfall", `user-${i}`)).model.version);
    assert.deepEqual([...seen].sort(), [1, second.version]);
    const sticky = new Set<number>();
    for (let i = 0; i < 10; i++)
      sticky.add((await predict("Hurricane makes landfall", "user-7")).model.version);
    assert.equal(sticky.size, 1, "the same key always gets the same version");
    const header = await post("/v1/predict", { sentence: "Hurricane" }, { "x-sift-key": "user-7" });
    assert.deepEqual((header.body.model as { version: number }).version, [...sticky][0]);
  });

  it("shadows a version: its answers are logged under the primary id, never returned", async () => {
    await store.registry.setTrafficPolicy("relevance", { split: [], shadow: [2] });
    await waitFor(() => service.loop.traffic.policy("relevance").shadow.length === 1, 5000, "shadow policy");
    const answers = [];
    for (const sentence of SAMPLE_SENTENCES.slice(0, 5)) answers.push(await predict(sentence));
    assert.ok(answers.every((a) => a.model.version === 1));
    await waitFor(() => (service.loop.shadowStats.scored ?? 0) >= 5, 5000, "shadow scoring");
    await service.loop.monitor?.log.drain();
    const log = new LogStore(store.logPath, { readOnly: true });
    try {
      const rows = [...log.rows()];
      for (const answer of answers) {
        const shadow = rows.find((r) => r.route === "shadow" && r.requestId === answer.id);
        assert.equal(shadow?.version, 2, `shadow row for ${answer.id}`);
        assert.notEqual(shadow?.id, answer.id);
      }
    } finally {
      log.close();
    }
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const scored = Number(/sift_shadow_predictions_total\{outcome="scored"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    assert.ok(scored >= 5, `shadow predictions scored in /metrics: ${scored}`);
  });

  it("clears the experiment on promote: all traffic goes to the new production version", async () => {
    await store.registry.promote("relevance", 2);
    await waitFor(() => service.loop.traffic.policy("relevance").shadow.length === 0, 5000, "policy cleared");
    await waitFor(
      async () => (await predict("Hurricane makes landfall")).model.version === 2,
      5000,
      "v2 serving",
    );
  });
});
