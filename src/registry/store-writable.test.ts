/**
 * A full disk or a read-only store: STORE_NOT_WRITABLE, and the store as it was. Three ways in:
 * - a StoreWriter seam that fails at every single write step (runs everywhere, including as root,
 *   where chmod cannot make anything read-only);
 * - a real, tiny tmpfs that fills up, when this process may mount one (root on Linux), else skipped;
 * - a real chmod'ed read-only store, when not running as root, else skipped.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { nodeStoreWriter, openRegistry, type Registry, type StoreWriter } from "./index.ts";
import { sampleDraft, steppingClock, tempDir } from "./test-fixtures.ts";

class FaultyWriter implements StoreWriter {
  calls = 0;
  failAt = Number.POSITIVE_INFINITY;
  errno = "ENOSPC";

  private step(): void {
    this.calls++;
    if (this.calls === this.failAt) {
      throw Object.assign(new Error(`${this.errno}: injected failure`), { code: this.errno });
    }
  }
  mkdir(p: string): void {
    this.step();
    nodeStoreWriter.mkdir(p);
  }
  writeFile(p: string, data: Uint8Array): void {
    this.step();
    nodeStoreWriter.writeFile(p, data);
  }
  syncDir(p: string): void {
    this.step();
    nodeStoreWriter.syncDir(p);
  }
  rename(from: string, to: string): void {
    this.step();
    nodeStoreWriter.rename(from, to);
  }
  remove(p: string): void {
    nodeStoreWriter.remove(p); // clean-up never fails here: we check what failed writes leave behind
  }
}

async function snapshot(registry: Registry) {
  return {
    list: await registry.list(),
    show: await registry.show("relevance"),
    revision: await registry.revision(),
    verify: await registry.verify(),
    production: (await registry.load("relevance", (await registry.resolve("relevance")).version)).manifest,
  };
}

async function seededStore(dir: string, writer: StoreWriter): Promise<Registry> {
  const registry = openRegistry(path.join(dir, "store"), { clock: steppingClock(), writer });
  await registry.register("relevance", sampleDraft(1));
  await registry.promote("relevance", 1);
  return registry;
}

describe("store not writable (injected through the writer seam)", () => {
  for (const errno of ["ENOSPC", "EROFS", "EACCES"]) {
    it(`register failing with ${errno} at any write step leaves the store as it was`, async () => {
      await using tmp = await tempDir();
      const probe = new FaultyWriter();
      const registry = await seededStore(tmp.dir, probe);
      const before = probe.calls;
      await registry.register("relevance", sampleDraft(2));
      const steps = probe.calls - before;
      registry.close();
      assert.ok(steps >= 8, `a register makes ${steps} write steps`);
      // Failed attempts change nothing, so one store serves every step.
      await using run = await tempDir();
      const writer = new FaultyWriter();
      const store = await seededStore(run.dir, writer);
      const expected = await snapshot(store);
      writer.errno = errno;
      for (let k = 1; k <= steps; k++) {
        writer.failAt = writer.calls + k;
        await assert.rejects(
          store.register("relevance", sampleDraft(2)),
          { code: "STORE_NOT_WRITABLE", message: new RegExp(`${errno}.*nothing was changed`) },
          `step ${k}`,
        );
        assert.deepEqual(await snapshot(store), expected, `step ${k}`);
        assert.deepEqual(await fs.readdir(path.join(store.root, "tmp")), [], `step ${k}`);
      }
      writer.failAt = Number.POSITIVE_INFINITY;
      assert.equal((await store.register("relevance", sampleDraft(2))).version, 2);
      store.close();
    });
  }

  it("a non-write failure (a bug, a crash) at any step also leaves the store consistent", async () => {
    await using run = await tempDir();
    const writer = new FaultyWriter();
    const store = await seededStore(run.dir, writer);
    const expected = await snapshot(store);
    writer.errno = "EWHATEVER";
    for (let k = 1; k <= 9; k++) {
      writer.failAt = writer.calls + k;
      await assert.rejects(store.register("relevance", sampleDraft(2)), { code: "INTERNAL" }, `step ${k}`);
      assert.deepEqual(await snapshot(store), expected, `step ${k}`);
    }
    store.close();
  });

  it("opening a store that cannot be created fails with STORE_NOT_WRITABLE", async () => {
    await using tmp = await tempDir();
    const writer = new FaultyWriter();
    writer.errno = "EROFS";
    writer.failAt = 1;
    assert.throws(() => openRegistry(path.join(tmp.dir, "store"), { writer }), {
      code: "STORE_NOT_WRITABLE",
    });
  });

  it("a delete whose directory cannot be moved still deletes, leaving an orphan for repair", async () => {
    await using tmp = await tempDir();
    const writer = new FaultyWriter();
    const store = await seededStore(tmp.dir, writer);
    await store.register("relevance", sampleDraft(2));
    writer.failAt = writer.calls + 1;
    await store.deleteVersion("relevance", 2);
    await assert.rejects(store.load("relevance", 2), { code: "VERSION_NOT_FOUND" });
    const report = await store.verify({ repair: true });
    assert.equal(report.ok, true);
    assert.deepEqual(report.repaired, ["models/relevance/2"]);
    store.close();
  });
});

function tryMountTmpfs(dir: string, size: string): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("store not writable (real file systems)", () => {
  it("a full disk (tiny tmpfs): staging and index writes fail cleanly", async (t) => {
    await using tmp = await tempDir();
    const mountPoint = path.join(tmp.dir, "disk");
    await fs.mkdir(mountPoint);
    if (!tryMountTmpfs(mountPoint, "1m")) {
      t.skip("needs root and permission to mount a tmpfs; the writer-seam tests cover this path");
      return;
    }
    try {
      const store = await seededStore(mountPoint, nodeStoreWriter);
      const expected = await snapshot(store);
      const big = { ...sampleDraft(2), files: { "weights.bin": new Uint8Array(2 * 1024 * 1024) } };
      await assert.rejects(store.register("relevance", big), {
        code: "STORE_NOT_WRITABLE",
        message: /ENOSPC/,
      });
      assert.deepEqual(await snapshot(store), expected);
      await store.register("relevance", sampleDraft(3));
      const expectedAfter = await snapshot(store);
      // Fill what is left, so the index itself cannot grow.
      const filler = path.join(mountPoint, "filler");
      await fs.writeFile(filler, new Uint8Array(2 * 1024 * 1024)).catch(() => undefined);
      await assert.rejects(store.promote("relevance", 2), { code: "STORE_NOT_WRITABLE" });
      await fs.rm(filler);
      assert.deepEqual(await snapshot(store), expectedAfter);
      store.close();
    } finally {
      execFileSync("umount", [mountPoint]);
    }
  });

  it("a read-only store (chmod, when not root)", async (t) => {
    if (process.platform === "win32" || process.getuid?.() === 0) {
      t.skip("root ignores file modes; the writer-seam and tmpfs tests cover this path");
      return;
    }
    await using tmp = await tempDir();
    const store = await seededStore(tmp.dir, nodeStoreWriter);
    const expected = await snapshot(store);
    store.close();
    const root = path.join(tmp.dir, "store");
    const chmodAll = (mode: string) => execFileSync("chmod", ["-R", mode, root]);
    chmodAll("a-w");
    try {
      // Still readable (a server may serve from a read-only volume); every write is refused.
      const readOnly = openRegistry(root);
      try {
        assert.deepEqual(await snapshot(readOnly), expected);
        await assert.rejects(readOnly.register("relevance", sampleDraft(2)), { code: "STORE_NOT_WRITABLE" });
        await assert.rejects(readOnly.promote("relevance", 1, "candidate"), { code: "STORE_NOT_WRITABLE" });
        await assert.rejects(readOnly.deleteVersion("relevance", 1), { code: "VERSION_IN_USE" });
      } finally {
        readOnly.close();
      }
    } finally {
      chmodAll("u+w");
    }
    const after = openRegistry(root, { clock: steppingClock() });
    assert.deepEqual(await snapshot(after), expected);
    after.close();
  });
});
