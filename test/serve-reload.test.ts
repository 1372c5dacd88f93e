/**
 * Hot reload on a real port: promote and roll back while a bounded load runs — zero failed
 * requests, every response names the version that produced it, and each alias move shows up.
 * A tampered version is refused and the old one keeps serving.
 */
import assert from "node:assert/strict";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type RunningService, startService } from "../src/serve/index.ts";
import { registerModel, storeWithModel, type TempStore } from "./serve-fixtures.ts";

let store: TempStore;
let service: RunningService;

before(async () => {
  store = await storeWithModel();
  service = await startService({
    store: store.root,
    port: 0,
    grpcPort: null,
    logLevel: "silent",
    pollMs: 25,
  });
  await service.loaded;
});

after(async () => {
  await service.close();
  await store.cleanup();
});

async function predict(sentence: string): Promise<{ status: number; version: number | undefined }> {
  const response = await fetch(`${service.url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sentence }),
  });
  const body = (await response.json()) as { model?: { version: number } };
  return { status: response.status, version: body.model?.version };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("hot reload under load", () => {
  it("promotes and rolls back with zero failed requests", async () => {
    const second = await registerModel(store.registry, "relevance", { C: 3, threshold: 0.4 });
    const total = 1500;
    const concurrency = 16;
    const seen: Array<{ status: number; version: number | undefined }> = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        seen.push(await predict(`Storm number ${next} floods the town`));
      }
    };
    const load = Promise.all(Array.from({ length: concurrency }, worker));

    await waitFor(() => seen.length > 200, "load to start");
    await store.registry.promote("relevance", second.version);
    await waitFor(() => seen.some((r) => r.version === 2), "version 2 to answer");
    const promotedAt = seen.length;
    await waitFor(() => seen.length > promotedAt + 200, "more load on version 2");
    await store.registry.rollback("relevance");
    await waitFor(() => seen.slice(promotedAt + 200).some((r) => r.version === 1), "rollback to answer");
    await load;

    assert.equal(seen.length, total);
    assert.deepEqual(
      seen.filter((r) => r.status !== 200),
      [],
    );
    assert.ok(seen.every((r) => r.version === 1 || r.version === 2));
    assert.ok(seen.filter((r) => r.version === 2).length > 0);
    assert.equal(seen.at(-1)?.version, 1);
  });

  it("refuses a tampered version and keeps serving the old one", async () => {
    const third = await registerModel(store.registry, "relevance", { C: 5, threshold: 0.5 });
    const { dir } = await store.registry.load("relevance", third.version);
    const weights = (await readdir(dir)).find((file) => file !== "manifest.json");
    assert.ok(weights !== undefined);
    await writeFile(path.join(dir, weights), "tampered");
    const current = service.manager.route({}).version;
    await store.registry.promote("relevance", third.version);
    await waitFor(
      () => service.metrics.registry.getSingleMetric("sift_model_loads_total") !== undefined,
      "metrics",
    );
    const refused = async () =>
      (await service.metrics.text()).includes(
        'sift_model_loads_total{model="relevance",outcome="refused"} 1',
      );
    const deadline = Date.now() + 10_000;
    while (!(await refused())) {
      if (Date.now() > deadline) assert.fail("the tampered version was not refused");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const answer = await predict("Landslide buries village");
    assert.equal(answer.status, 200);
    assert.equal(answer.version, current);
    assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
  });
});
