import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { compareRuns, newRunId, openRunStore, type RunRecord, type RunStore } from "./index.ts";

function record(id: string, changes: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    kind: "train",
    modelName: "relevance",
    status: "running",
    startedAt: `2030-01-01T00:00:0${id.slice(-1)}.000Z`,
    endedAt: null,
    seed: 42,
    config: { seed: 42, model: { cvFolds: 3 } },
    params: { C: 1 },
    metrics: null,
    dataSource: "data.jsonl",
    dataFingerprint: "abc",
    codeVersion: "deadbeef",
    artifact: null,
    promoted: false,
    gates: [],
    error: null,
    dir: "/tmp/x",
    pid: process.pid,
    ...changes,
  };
}

describe("run store", () => {
  let dir = "";
  let store: RunStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sift-runs-"));
    store = openRunStore(dir);
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("creates, updates and reads a run in <store>/runs.db", () => {
    store.create(record("r1"));
    store.update(record("r1", { status: "succeeded", artifact: "relevance@1" }));
    assert.equal(store.file, path.join(dir, "runs.db"));
    assert.equal(store.get("r1").status, "succeeded");
    assert.equal(store.get("r1").artifact, "relevance@1");
  });

  test("log lines come back in order", () => {
    store.create(record("r1"));
    store.appendLog("r1", "first", "t1");
    store.appendLog("r1", "second", "t2");
    assert.deepEqual(store.log("r1"), [
      { at: "t1", line: "first" },
      { at: "t2", line: "second" },
    ]);
  });

  test("list is newest first, filters by model and limits", () => {
    store.create(record("r1"));
    store.create(record("r2", { modelName: "spam" }));
    store.create(record("r3"));
    assert.deepEqual(
      store.list().map((r) => r.id),
      ["r3", "r2", "r1"],
    );
    assert.deepEqual(
      store.list({ modelName: "relevance" }).map((r) => r.id),
      ["r3", "r1"],
    );
    assert.deepEqual(
      store.list({ limit: 1 }).map((r) => r.id),
      ["r3"],
    );
  });

  test("a unique id prefix and `latest` find a run; unknown and ambiguous ids are RUN_NOT_FOUND", () => {
    store.create(record("abc1"));
    store.create(record("abd2"));
    assert.equal(store.get("abc").id, "abc1");
    assert.equal(store.get("latest").id, "abd2");
    assert.throws(() => store.get("ab"), { code: "RUN_NOT_FOUND" });
    assert.throws(() => store.get("zzz"), { code: "RUN_NOT_FOUND" });
    assert.throws(() => store.get("%"), { code: "RUN_NOT_FOUND" });
  });

  test("a run left running by a dead process reads as interrupted", () => {
    store.create(record("r1", { pid: 2 ** 22 + 12345 }));
    assert.equal(store.get("r1").status, "interrupted");
    store.create(record("r2"));
    assert.equal(store.get("r2").status, "running");
  });

  test("a store that cannot be created is STORE_NOT_WRITABLE", () => {
    const file = path.join(dir, "file");
    fs.writeFileSync(file, "");
    assert.throws(() => openRunStore(path.join(file, "store")), { code: "STORE_NOT_WRITABLE" });
  });
});

describe("compareRuns", () => {
  test("lists every metric side by side and only the settings that differ", () => {
    const a = record("a", { metrics: { validation: { f1: 0.7 }, test: { f1: 0.6, precision: 0.8 } } });
    const b = record("b", {
      metrics: { validation: { f1: 0.75 }, test: { f1: 0.65 } },
      config: { seed: 42, model: { cvFolds: 5 } },
      params: { C: 2 },
    });
    const c = compareRuns(a, b);
    assert.deepEqual(c.metrics, [
      { metric: "validation.f1", a: 0.7, b: 0.75, delta: 0.75 - 0.7 },
      { metric: "test.f1", a: 0.6, b: 0.65, delta: 0.65 - 0.6 },
      { metric: "test.precision", a: 0.8, b: null, delta: null },
    ]);
    assert.deepEqual(c.params, [
      { key: "config.model.cvFolds", a: 3, b: 5 },
      { key: "params.C", a: 1, b: 2 },
    ]);
  });
});

test("newRunId sorts by time and is unique per random part", () => {
  const id = newRunId(new Date("2030-01-02T03:04:05.678Z"), () => "abcdef");
  assert.equal(id, "20300102T030405Z-abcdef");
  assert.notEqual(newRunId(new Date()), newRunId(new Date()));
});
