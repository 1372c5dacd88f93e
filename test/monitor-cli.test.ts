/**
 * The production loop's CLI: argument parsing, `sift log export` in both formats, `sift traffic`
 * and the catalogued errors for a missing log, a bad split and learning without feedback.
 */
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Command } from "commander";
import { output, parseSince, parseSplit, registerMonitorCommands } from "../src/cli/monitor.ts";
import { isSiftError, type SiftError } from "../src/errors.ts";
import { LogStore } from "../src/monitor/index.ts";
import { pickVersion, stickyBucket } from "../src/serve/index.ts";
import { type LoopStore, loopStore, registerWithReference } from "./monitor-fixtures.ts";

let store: LoopStore;
before(async () => {
  store = await loopStore();
  await registerWithReference(store.registry, "relevance", { C: 0.5, threshold: 0.5 });
  await mkdir(path.dirname(store.logPath), { recursive: true });
  const log = new LogStore(store.logPath, { keepSentences: true });
  log.insert([
    {
      id: "p1",
      time: Date.parse("2026-01-01T00:00:00Z"),
      model: "relevance",
      version: 1,
      score: 0.9,
      label: "Relevant",
      latencyMs: 1.25,
      route: "primary",
      variant: "default",
      sentence: 'Fire, "smoke" and ash',
    },
  ]);
  log.close();
});
after(async () => {
  await store.cleanup();
});

async function sift(...args: string[]): Promise<{ out: string; error: SiftError | null }> {
  const program = new Command("sift").exitOverride();
  registerMonitorCommands(program);
  let out = "";
  const write = output.write;
  output.write = (text: string) => {
    out += text;
  };
  try {
    await program.parseAsync([...args, "--store", store.root], { from: "user" });
    return { out, error: null };
  } catch (error) {
    if (!isSiftError(error)) throw error;
    return { out, error };
  } finally {
    output.write = write;
    process.exitCode = undefined;
  }
}

describe("argument parsing", () => {
  it("parses splits and refuses bad ones with TRAFFIC_SPLIT_INVALID", () => {
    assert.deepEqual(parseSplit(["3=0.9", "4=0.1"]), [
      { version: 3, weight: 0.9 },
      { version: 4, weight: 0.1 },
    ]);
    for (const bad of [["3=0.9"], ["3:0.5", "4=0.5"], ["x=1"], []]) {
      assert.throws(
        () => parseSplit(bad),
        (e: unknown) => isSiftError(e) && e.code === "TRAFFIC_SPLIT_INVALID",
      );
    }
  });

  it("parses --since as a duration back or an ISO time", () => {
    assert.equal(parseSince("2h", 10_000_000), 10_000_000 - 7_200_000);
    assert.equal(parseSince("2026-01-01T00:00:00Z"), Date.parse("2026-01-01T00:00:00Z"));
    assert.throws(() => parseSince("yesterday"), /ISO date/);
  });

  it("buckets sticky keys stably and picks versions by cumulative weight", () => {
    assert.equal(stickyBucket("user-1"), stickyBucket("user-1"));
    assert.ok(stickyBucket("user-1") >= 0 && stickyBucket("user-1") < 1);
    const split = [
      { version: 1, weight: 0.9 },
      { version: 2, weight: 0.1 },
    ];
    assert.deepEqual([pickVersion(split, 0), pickVersion(split, 0.89), pickVersion(split, 0.95)], [1, 1, 2]);
    const shares = { 1: 0, 2: 0 };
    for (let i = 0; i < 2000; i++) shares[pickVersion(split, stickyBucket(`key-${i}`)) as 1 | 2]++;
    assert.ok(shares[2] > 120 && shares[2] < 280, `version 2 got ${shares[2]} of 2000`);
  });
});

describe("sift log export", () => {
  it("writes JSONL and CSV (quoted fields)", async () => {
    const file = path.join(store.dir, "log.jsonl");
    await sift("log", "export", "--log", store.logPath, "--out", file);
    const row = JSON.parse((await readFile(file, "utf8")).trim()) as Record<string, unknown>;
    assert.deepEqual(
      [row.id, row.time, row.sentence],
      ["p1", "2026-01-01T00:00:00.000Z", 'Fire, "smoke" and ash'],
    );
    const out = path.join(store.dir, "log.csv");
    await sift("log", "export", "--log", store.logPath, "--format", "csv", "--out", out);
    const [header, line] = (await readFile(out, "utf8")).trim().split("\n");
    assert.match(header ?? "", /^id,requestId,time,model,version,score,label/);
    assert.match(line ?? "", /"Fire, ""smoke"" and ash"/);
    await sift("log", "export", "--log", store.logPath, "--since", "1h", "--out", file);
    assert.equal(await readFile(file, "utf8"), "", "nothing logged in the last hour");
  });

  it("says LOG_NOT_FOUND when there is no log", async () => {
    const { error } = await sift("log", "export", "--log", path.join(store.dir, "missing.db"));
    assert.equal(error?.code, "LOG_NOT_FOUND");
  });
});

describe("sift traffic and sift learn", () => {
  it("sets, shows and clears a policy in the registry", async () => {
    assert.match((await sift("traffic", "split", "relevance", "1=0.75", "2=0.25")).out, /v1 75.0%, v2 25.0%/);
    assert.match((await sift("traffic", "shadow", "relevance", "2")).out, /shadow v2/);
    assert.deepEqual(JSON.parse((await sift("traffic", "show", "relevance", "--json")).out), {
      relevance: {
        split: [
          { version: 1, weight: 0.75 },
          { version: 2, weight: 0.25 },
        ],
        shadow: [2],
      },
    });
    assert.match((await sift("traffic", "clear", "relevance")).out, /all to production; shadow none/);
    const { error } = await sift("traffic", "shadow", "relevance", "9");
    assert.equal(error?.code, "TRAFFIC_POLICY_INVALID");
  });

  it("refuses to learn without feedback (NO_FEEDBACK)", async () => {
    const { error } = await sift("learn", "--log", store.logPath);
    assert.equal(error?.code, "NO_FEEDBACK");
  });
});
