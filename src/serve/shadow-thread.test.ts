import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ShadowThread } from "./shadow-thread.ts";

const job = (n: number) => ({
  name: "relevance",
  version: 2,
  sentences: Array.from({ length: n }, (_, i) => `sentence ${i}`),
  requestIds: Array.from({ length: n }, (_, i) => `id-${i}`),
});

test("the shadow queue is bounded by sentences waiting, and a job alone is always taken", async () => {
  const store = await mkdtemp(path.join(tmpdir(), "sift-shadow-thread-"));
  const stats = { scored: 0, failed: 0, skipped: 0, benched: 0 };
  // maxInFlight 0: nothing is ever handed over, so every job stays queued.
  const thread = new ShadowThread({
    store,
    monitor: { onPrediction: () => true },
    stats,
    maxInFlight: 0,
    maxQueued: 5,
  });
  try {
    thread.submit(job(8)); // alone: taken although larger than the bound
    assert.equal(stats.skipped, 0);
    thread.submit(job(1)); // 9 waiting: over the bound
    assert.equal(stats.skipped, 1);
  } finally {
    await thread.close();
    await rm(store, { recursive: true, force: true });
  }
  const second = await mkdtemp(path.join(tmpdir(), "sift-shadow-thread-"));
  const fresh = { scored: 0, failed: 0, skipped: 0, benched: 0 };
  const bounded = new ShadowThread({
    store: second,
    monitor: { onPrediction: () => true },
    stats: fresh,
    maxInFlight: 0,
    maxQueued: 5,
  });
  try {
    bounded.submit(job(3));
    bounded.submit(job(2)); // exactly 5: fits
    bounded.submit(job(1)); // 6: skipped
    assert.deepEqual(fresh, { scored: 0, failed: 0, skipped: 1, benched: 0 });
  } finally {
    await bounded.close();
    await rm(second, { recursive: true, force: true });
  }
});
