/**
 * Reliability: SIGKILL a registry writer (register → promote → delete old → sometimes roll back, in
 * a loop) at random moments, 50 times. After every kill the store must verify as consistent and
 * `production` must still load. Set SIFT_CRASH_SEED to replay a failing sequence of delays.
 */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openRegistry } from "../src/registry/index.ts";
import { childDraft } from "./registry-child.ts";
import { runKillLoop } from "./registry-kill-harness.ts";

const CHILD = fileURLToPath(new URL("./registry-child.ts", import.meta.url));
const SEED = Number(process.env.SIFT_CRASH_SEED ?? 20250101);

describe("registry survives SIGKILL at random moments", () => {
  let dir = "";
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "sift-registry-crash-"));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("50 kills: every time, verify is consistent and production loads", async () => {
    const store = path.join(dir, "store");
    const setup = openRegistry(store);
    await setup.register("relevance", childDraft(0));
    await setup.promote("relevance", 1);
    setup.close();
    const orphansSeen = new Set<string>();
    const result = await runKillLoop({
      rounds: 50,
      command: [process.execPath, CHILD, "churn", store, String(SEED)],
      maxDelayMs: 100,
      seed: SEED,
      env: { ...process.env, NODE_COMPILE_CACHE: path.join(dir, "compile-cache") },
      check: async (round) => {
        const registry = openRegistry(store);
        try {
          const report = await registry.verify();
          assert.equal(report.ok, true, `round ${round} (seed ${SEED}): ${JSON.stringify(report.problems)}`);
          for (const orphan of report.orphans) orphansSeen.add(orphan);
          const production = await registry.resolve("relevance");
          const loaded = await registry.load(production.name, production.version);
          assert.equal(loaded.manifest.version, production.version);
        } finally {
          registry.close();
        }
      },
    });
    // The writer loops until killed: any round it ended by itself is a crash of its own.
    assert.equal(result.killed, 50, "a writer exited before it was killed (see its stderr above)");
    const registry = openRegistry(store);
    const repaired = await registry.verify({ repair: true });
    assert.equal(repaired.ok, true);
    assert.deepEqual(repaired.orphans, []);
    const details = await registry.show("relevance");
    registry.close();
    // How far the writers got: versions made, and leftovers of interrupted registrations seen.
    // A leftover under models/ means a kill landed between the rename and the COMMIT.
    const inCommit = [...orphansSeen].filter((o) => o.startsWith("models/")).length;
    process.stdout.write(
      `# kills ${result.killed}/50, versions ${details.latest}, interrupted writes seen ${orphansSeen.size} (${inCommit} inside the commit window)\n`,
    );
  });
});
