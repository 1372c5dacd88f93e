/** `sift models …`: driven in-process through commander (fast), plus the real binary for exit codes. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Command } from "commander";
import { registerModelsCommands } from "../src/cli/models.ts";
import { openRegistry } from "../src/registry/index.ts";
import { childDraft } from "./registry-child.ts";

const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));

let dir = "";
let store = "";

async function sift(...args: string[]): Promise<string> {
  let out = "";
  const program = new Command("sift").exitOverride();
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerModelsCommands(program, { out: (text) => (out += text) });
  await program.parseAsync(["models", ...args, "--store", store], { from: "user" });
  return out;
}

async function siftJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await sift(...args, "--json")) as T;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "sift-models-cli-"));
  store = path.join(dir, "store");
  const registry = openRegistry(store);
  for (const seed of [1, 2, 3]) await registry.register("relevance", childDraft(seed));
  await registry.promote("relevance", 1);
  await registry.promote("relevance", 2);
  await registry.promote("relevance", 3, "candidate");
  registry.close();
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("sift models (in-process)", () => {
  it("lists models as a table and as JSON", async () => {
    assert.equal(
      await sift("list"),
      "MODEL      VERSIONS  LATEST  ALIASES\nrelevance  3         3       candidate=3 production=2\n",
    );
    assert.deepEqual(await siftJson("list"), [
      { name: "relevance", latest: 3, versions: 3, aliases: { candidate: 3, production: 2 } },
    ]);
  });

  it("says how to start when the store is empty", async () => {
    store = path.join(dir, "empty");
    assert.match(await sift("list"), /^No models in .*empty\. Train one with `sift train`\.\n$/);
  });

  it("shows versions, aliases and history", async () => {
    const text = await sift("show", "relevance");
    assert.match(text, /^relevance: 3 version\(s\), aliases candidate=3 production=2\n/);
    assert.match(text, /\n2 +\S+ \S+ +production +f1=0\.8 +child-\d+-2\n/);
    assert.match(text, /alias history\n/);
    const details = await siftJson<{ versions: unknown[]; history: unknown[] }>("show", "relevance");
    assert.equal(details.versions.length, 3);
    assert.equal(details.history.length, 3);
  });

  it("promotes, rolls back and deletes", async () => {
    assert.equal(await sift("promote", "relevance", "3"), "promoted relevance@production: 2 → 3\n");
    assert.equal(
      await sift("promote", "relevance", "3"),
      "relevance@production already points at version 3\n",
    );
    assert.deepEqual(await siftJson("rollback", "relevance"), {
      name: "relevance",
      alias: "production",
      previous: 3,
      version: 2,
    });
    assert.equal(
      await sift("promote", "relevance", "1", "--alias", "canary"),
      "promoted relevance@canary: (none) → 1\n",
    );
    assert.equal(
      await sift("rollback", "relevance", "--alias", "candidate").catch((e) => e.code),
      "NO_ROLLBACK_TARGET",
    );
    await sift("promote", "relevance", "2", "--alias", "canary");
    assert.equal(await sift("delete", "relevance", "1"), "deleted relevance@1\n");
    assert.deepEqual(await siftJson("list"), [
      { name: "relevance", latest: 3, versions: 2, aliases: { canary: 2, candidate: 3, production: 2 } },
    ]);
  });

  it("refuses bad input with catalogued errors", async () => {
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => "no error",
        (e: { code: string }) => e.code,
      );
    assert.equal(await code(sift("promote", "relevance", "two")), "USAGE");
    assert.equal(await code(sift("promote", "relevance", "0")), "USAGE");
    assert.equal(await code(sift("promote", "relevance", "9")), "VERSION_NOT_FOUND");
    assert.equal(await code(sift("promote", "relevance", "1", "--alias", "7")), "MODEL_REF_INVALID");
    assert.equal(await code(sift("show", "ghost")), "MODEL_NOT_FOUND");
    assert.equal(await code(sift("show", "../../etc")), "MODEL_REF_INVALID");
    assert.equal(await code(sift("delete", "relevance", "2")), "VERSION_IN_USE");
    assert.equal(await code(sift("rollback", "relevance", "--alias", "nope")), "ALIAS_NOT_FOUND");
    assert.equal(
      await code(sift("export", "relevance@nope", "--out", path.join(dir, "x.tgz"))),
      "ALIAS_NOT_FOUND",
    );
    assert.equal(
      await code(sift("export", "relevance@@", "--out", path.join(dir, "x.tgz"))),
      "MODEL_REF_INVALID",
    );
    assert.equal(await code(sift("import", path.join(dir, "missing.tgz"))), "FILE_NOT_FOUND");
    await fs.writeFile(path.join(dir, "junk.tgz"), "not an archive");
    assert.equal(await code(sift("import", path.join(dir, "junk.tgz"))), "ARTIFACT_INVALID");
    assert.equal(
      await code(sift("export", "relevance", "--out", path.join(dir, "no", "such", "dir.tgz"))),
      "USAGE",
    );
  });

  it("exports a reference and imports it into another store as a new version, byte for byte", async () => {
    const file = path.join(dir, "candidate.tgz");
    assert.deepEqual(await siftJson("export", "relevance@candidate", "--out", file), {
      name: "relevance",
      version: 3,
      out: file,
      bytes: (await fs.stat(file)).size,
    });
    const original = openRegistry(store);
    const source = await original.load("relevance", 3);
    original.close();
    store = path.join(dir, "other");
    assert.match(await sift("import", file), /as relevance@1\n$/);
    assert.deepEqual(await siftJson("import", file, "--name", "copy"), {
      name: "copy",
      version: 1,
      from: "relevance@3",
    });
    const other = openRegistry(store);
    const imported = await other.load("copy", 1);
    other.close();
    assert.deepEqual(imported.files, source.files);
    assert.deepEqual(
      { ...imported.manifest, name: "x", version: 0 },
      { ...source.manifest, name: "x", version: 0 },
    );
  });

  it("verifies, reports tampering and repairs leftovers", async () => {
    assert.match(await sift("verify"), /^ok: 3 version\(s\) checked/);
    await fs.mkdir(path.join(store, "models", "relevance", "9"));
    assert.match(await sift("verify"), /leftover models\/relevance\/9 \(ignored by readers/);
    assert.match(await sift("verify", "--repair"), /removed leftover models\/relevance\/9/);
    await fs.appendFile(path.join(store, "models", "relevance", "1", "weights.bin"), "x");
    await assert.rejects(sift("verify"), { code: "STORE_CORRUPT", message: /1 problem/ });
  });
});

describe("sift models (the real binary)", () => {
  it("prints JSON on stdout and maps errors to exit codes with a message on stderr", async () => {
    const run = promisify(execFile);
    const env = { ...process.env, SIFT_STORE: store, NODE_COMPILE_CACHE: path.join(dir, "compile-cache") };
    const { stdout } = await run(process.execPath, [MAIN, "models", "list", "--json"], { env });
    assert.equal(JSON.parse(stdout)[0].name, "relevance");
    await fs.appendFile(path.join(store, "models", "relevance", "2", "vocab.json"), "x");
    const failed = await run(process.execPath, [MAIN, "models", "verify"], { env }).catch((e) => e);
    assert.equal(failed.code, 5);
    assert.match(failed.stdout, /relevance@2: ARTIFACT_TAMPERED/);
    assert.match(failed.stderr, /^sift: STORE_CORRUPT: .*sift models verify --repair/m);
  });
});
