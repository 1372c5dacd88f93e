/**
 * The production start bundle (scripts/bundle.ts, what `npm start` runs): built with esbuild,
 * started as `node dist/bundle/sift.mjs serve`, it must be ready, predict, serve Swagger UI and
 * write the prediction log — whose writer thread is a TypeScript file found through a rewritten
 * `import.meta.url`, the part of the bundle most likely to break.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { assertPredicts, storeWithModel, type TempStore } from "./serve-fixtures.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUNDLE = path.join(ROOT, "dist/bundle/sift.mjs");

let store: TempStore;
let child: ChildProcess | undefined;
let base = "";
let stderr = "";

/** Starts the bundle on a free port; resolves with its URL from the "sift serving" log line. */
function startBundle(storeRoot: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = spawn(
      process.execPath,
      [BUNDLE, "serve", "--store", storeRoot, "--port", "0", "--grpc-port", "0"],
      { env: { ...process.env, SIFT_STORE: "" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = server;
    let stdout = "";
    server.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    server.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const serving = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"sift serving"/.exec(stdout);
      if (serving?.[1] !== undefined) resolve(serving[1]);
    });
    server.once("exit", (code) => reject(new Error(`the bundle exited with ${code}:\n${stderr}`)));
  });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await fetch(`${url}/readyz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail("the bundle never became ready");
}

before(async () => {
  await run(process.execPath, [path.join(ROOT, "scripts/bundle.ts")], { timeout: 120_000 });
  store = await storeWithModel();
  base = await startBundle(store.root);
  await waitReady(base);
});

after(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await store.cleanup();
});

describe("node dist/bundle/sift.mjs serve", () => {
  it("predicts", async () => {
    await assertPredicts(base, 1);
  });

  it("serves Swagger UI and the OpenAPI document", async () => {
    const ui = await fetch(`${base}/docs/`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string };
    assert.equal(document.openapi, "3.1.0");
  });

  it("writes the prediction log from its worker thread", async () => {
    const log = path.join(store.root, "monitor/predictions.db");
    for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(log), `no prediction log at ${log}\n${stderr}`);
    const summary = await fetch(`${base}/v1/monitor/summary`);
    assert.equal(summary.status, 200, await summary.text());
  });
});
