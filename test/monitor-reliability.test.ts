/**
 * Reliability of the production loop: the prediction log under load and with a stalled disk,
 * complete rows after SIGKILL (WAL recovery), and shadows that throw or are slow.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import autocannon from "autocannon";
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
before(async () => {
  store = await loopStore();
  await registerWithReference(store.registry, "relevance", { C: 0.5, threshold: 0.5 });
});
after(async () => {
  await store.cleanup();
});

async function startChild(mode: string, logPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [new URL("./monitor-child.ts", import.meta.url).pathname, mode, store.root, logPath],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let buffer = "";
  child.stdout?.setEncoding("utf8");
  for await (const chunk of child.stdout ?? []) {
    buffer += chunk;
    if (buffer.includes("\n")) break;
  }
  const { url } = JSON.parse(buffer.split("\n")[0] ?? "{}") as { url: string };
  return { child, url };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGKILL");
  await once(child, "exit");
}

async function timedPredict(
  url: string,
  sentence: string,
): Promise<{ ms: number; status: number; version: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sentence }),
  });
  const body = (await response.json()) as { model?: { version: number } };
  return { ms: performance.now() - started, status: response.status, version: body.model?.version ?? 0 };
}

describe("the prediction log", () => {
  it("never makes a request fail or wait when the disk stalls: entries are dropped and counted", async () => {
    const logPath = `${store.dir}/stall.db`;
    const service: RunningService = await startService({
      store: store.root,
      port: 0,
      grpcPort: null,
      logLevel: "silent",
      docs: false,
      loop: { logPath, queueCapacity: 200, batchSize: 50, flushIntervalMs: 10, refreshIntervalMs: 0 },
    });
    await service.loaded;
    // Another connection holds the write lock for the whole load: the writer thread blocks on it
    // (busy timeout). Requests answered while it is held beyond the queue's 200 entries show the
    // server never waits for the log; counting them, not timing them, keeps this true on a busy CI.
    const blocker = new DatabaseSync(logPath);
    try {
      blocker.exec("PRAGMA busy_timeout=5000");
      blocker.exec("BEGIN IMMEDIATE");
      try {
        const result = await autocannon({
          url: `${service.url}/v1/predict`,
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ sentence: "Forest fire near La Ronge Sask. Canada" }),
          connections: 8,
          duration: 2,
        });
        assert.equal(result.errors, 0);
        assert.equal(result.non2xx, 0);
        assert.ok(result.requests.total > 300, `requests: ${result.requests.total}`);
        const stats = service.loop.monitor?.log.stats;
        assert.ok((stats?.dropped ?? 0) > 0, "the full queue dropped entries");
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        assert.match(metrics, /sift_prediction_log_dropped_total [1-9]/);
      } finally {
        blocker.exec("COMMIT");
        blocker.close();
      }
      await service.loop.monitor?.log.drain();
      const stats = service.loop.monitor?.log.stats;
      const served = await (await fetch(`${service.url}/metrics`)).text();
      const predicted = Number(/sift_predictions_total\{[^}]*\} (\d+)/.exec(served)?.[1] ?? 0);
      assert.equal(
        (stats?.written ?? 0) + (stats?.dropped ?? 0),
        predicted,
        "every prediction written or counted",
      );
    } finally {
      await service.close();
    }
  });

  it("keeps only whole rows after the server is killed with SIGKILL mid-traffic", async () => {
    const logPath = `${store.dir}/killed.db`;
    const { child, url } = await startChild("serve", logPath);
    let stopping = false;
    const sentences = SAMPLE_SENTENCES.slice(0, 20);
    const pump = async () => {
      while (!stopping) {
        await fetch(`${url}/v1/predict/batch`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ sentences }),
        }).catch(() => undefined);
      }
    };
    const pumps = Array.from({ length: 4 }, pump);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    child.kill("SIGKILL");
    await once(child, "exit");
    stopping = true;
    await Promise.all(pumps);
    const log = new LogStore(logPath); // opening runs WAL recovery
    try {
      const integrity = new DatabaseSync(logPath).prepare("PRAGMA integrity_check").get();
      assert.equal(integrity?.integrity_check, "ok");
      const rows = [...log.rows()];
      assert.ok(rows.length > 0, "some batches were committed before the kill");
      for (const row of rows) {
        assert.match(row.id, /^[0-9a-f-]{36}$/);
        assert.equal(row.requestId, row.id);
        assert.ok(row.time > 0 && row.score >= 0 && row.score <= 1 && row.latencyMs >= 0);
        assert.ok(["Relevant", "Not Relevant"].includes(row.label));
        assert.deepEqual([row.model, row.version, row.route], ["relevance", 1, "primary"]);
        assert.match(row.sentenceHash, /^[0-9a-f]{64}$/);
        assert.ok(row.tokens > 0);
      }
    } finally {
      log.close();
    }
  });
});

describe("shadow models", () => {
  it("a shadow that throws never affects the primary response", async () => {
    const { child, url } = await startChild("throwing-shadow", `${store.dir}/throwing.db`);
    try {
      for (const sentence of SAMPLE_SENTENCES.slice(0, 10)) {
        const { status, version } = await timedPredict(url, sentence);
        assert.deepEqual([status, version], [200, 1]);
      }
      await waitFor(async () => {
        const stats = (await (await fetch(`${url}/shadow-stats`)).json()) as { failed: number };
        return stats.failed === 10;
      });
    } finally {
      await stop(child);
    }
  });

  it("a slow shadow never delays the response it shadows, and is benched after one slow call", async () => {
    const { child, url } = await startChild("slow-shadow", `${store.dir}/slow.db`);
    try {
      const first = await timedPredict(url, "Flood waters rise in the city centre");
      assert.equal(first.status, 200);
      assert.ok(first.ms < 2000, `first response took ${first.ms} ms; the shadow sleeps 3000 ms`);
      await new Promise((resolve) => setTimeout(resolve, 3100));
      const later = [];
      for (const sentence of SAMPLE_SENTENCES.slice(0, 5)) later.push(await timedPredict(url, sentence));
      assert.ok(
        later.every((r) => r.status === 200 && r.ms < 2000),
        `later: ${later.map((r) => r.ms.toFixed(0))}`,
      );
      const stats = (await (await fetch(`${url}/shadow-stats`)).json()) as {
        benched: number;
        skipped: number;
      };
      assert.deepEqual([stats.benched, stats.skipped], [1, 5]);
    } finally {
      await stop(child);
    }
  });
});
