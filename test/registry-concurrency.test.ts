/** Reliability: writers in separate processes, started at once on one store, never share a version. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openRegistry } from "../src/registry/index.ts";

const CHILD = fileURLToPath(new URL("./registry-child.ts", import.meta.url));

interface Writer {
  readonly ready: Promise<void>;
  readonly done: Promise<number[]>;
  go(): void;
}

function startWriter(store: string, seed: number, count: number, cache: string): Writer {
  const child = spawn(process.execPath, [CHILD, "once", store, String(seed), String(count)], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, NODE_COMPILE_CACHE: cache },
  });
  let out = "";
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith("ready\n")) markReady();
  });
  const done = new Promise<number[]>((resolve, reject) => {
    child.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0) resolve(JSON.parse(last) as number[]);
      else reject(new Error(`writer ${seed} exited with ${code}: ${out}`));
    });
  });
  return { ready, done, go: () => child.stdin.end("go\n") };
}

describe("registry under concurrent writers", () => {
  let dir = "";
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "sift-registry-concurrency-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("four processes registering at once get four distinct versions, all verified", async () => {
    const store = path.join(dir, "four");
    openRegistry(store).close(); // create the store once, so the race is on registering
    const writers = [1, 2, 3, 4].map((seed) => startWriter(store, seed, 1, path.join(dir, "cache")));
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const versions = (await Promise.all(writers.map((w) => w.done))).flat();
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      [1, 2, 3, 4],
    );
    const registry = openRegistry(store);
    const report = await registry.verify();
    assert.deepEqual(report, { ok: true, checked: 4, problems: [], orphans: [], repaired: [] });
    registry.close();
  });

  it("four processes racing to create a new store, three versions each: twelve distinct versions", async () => {
    const store = path.join(dir, "twelve");
    const writers = [1, 2, 3, 4].map((seed) => startWriter(store, seed, 3, path.join(dir, "cache")));
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    const versions = (await Promise.all(writers.map((w) => w.done))).flat();
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const registry = openRegistry(store);
    const report = await registry.verify();
    assert.equal(report.ok, true);
    assert.equal(report.checked, 12);
    for (const version of versions) {
      assert.equal((await registry.load("relevance", version)).manifest.version, version);
    }
    registry.close();
  });
});
