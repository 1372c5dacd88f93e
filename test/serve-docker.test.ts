/**
 * What the image does, without a Docker engine: copy what the Dockerfile's runtime stage copies
 * into a clean folder, install production dependencies only, add the start bundle (the image's
 * bundle stage) and a trained model (its model stage), run the image's start command and call it.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { START_BUNDLE, startNodeFlags } from "../scripts/start-flags.ts";
import { openRegistry } from "../src/registry/index.ts";
import { assertPredicts, registerModel } from "./serve-fixtures.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Image {
  readonly copies: string[];
  /** Folders the runtime stage copies from the bundle stage (the esbuild start bundle). */
  readonly fromBundle: string[];
  readonly env: Record<string, string>;
  readonly cmd: string[];
  readonly modelStage: string | undefined;
}

/** Reads the runtime stage (the last FROM) of the Dockerfile: its COPY sources, ENV and CMD. */
export function readDockerfile(text: string): Image {
  const joined = text.replace(/\\\n\s*/g, " ");
  const stages = joined.split(/^FROM /m);
  const runtime = stages.at(-1) ?? "";
  const copies: string[] = [];
  const fromBundle: string[] = [];
  const env: Record<string, string> = {};
  let cmd: string[] = [];
  for (const line of runtime.split("\n")) {
    const copy = /^COPY (?!--from)(?:--chown=\S+ )?(.+) \S+$/.exec(line);
    if (copy?.[1] !== undefined) copies.push(...copy[1].split(/\s+/));
    const bundled = /^COPY --from=bundle \/app\/(\S+) \S+$/.exec(line);
    if (bundled?.[1] !== undefined) fromBundle.push(bundled[1]);
    const envLine = /^ENV (.+)$/.exec(line);
    if (envLine?.[1] !== undefined)
      for (const [, k, v] of envLine[1].matchAll(/(\w+)=(\S+)/g)) env[k as string] = v as string;
    const cmdLine = /^CMD (\[.+\])$/.exec(line);
    if (cmdLine?.[1] !== undefined) cmd = JSON.parse(cmdLine[1]) as string[];
  }
  const modelStage = /^RUN (node src\/cli\/main\.ts train .+?)(?: >.*)?$/m.exec(joined)?.[1];
  return { copies, fromBundle, env, cmd, modelStage };
}

let dir: string;
let child: ChildProcess | undefined;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sift-image-"));
});

after(async () => {
  if (child !== undefined && child.exitCode === null) child.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

async function hasSamplePackage(): Promise<boolean> {
  try {
    return (await readdir(path.join(ROOT, "samples"))).some((f) => f.endsWith(".tar.gz"));
  } catch {
    return false;
  }
}

/**
 * The bundle stage: `node scripts/bundle.ts` with the dev dependencies (here, the repository's);
 * the runtime stage takes only its output. The bundle finds src/ by relative paths, as in /app.
 */
async function buildBundle(image: Image): Promise<void> {
  await run(process.execPath, [path.join(ROOT, "scripts/bundle.ts")], { timeout: 120_000 });
  for (const folder of image.fromBundle)
    await cp(path.join(ROOT, folder), path.join(dir, folder), { recursive: true });
}

/** The image's deps stage: `npm ci` for production only; dev tools must stay out. */
async function installProductionDependencies(): Promise<void> {
  await run("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: dir,
    timeout: 240_000,
  }).catch((error: { stderr?: string }) => {
    const stderr = String(error.stderr ?? "");
    // The image's deps stage runs the same `npm ci`: a stale lock file breaks the build too.
    if (stderr.includes("in sync"))
      assert.fail(
        "package-lock.json is out of sync with package.json: run `npm install` and commit the lock",
      );
    throw error;
  });
  for (const devTool of ["typescript", "@biomejs/biome", "fast-check", "autocannon", "playwright-core"]) {
    await assert.rejects(stat(path.join(dir, "node_modules", devTool)), `${devTool} must not be installed`);
  }
}

/**
 * The model stage: train the bundled sample with production dependencies only, in the clean
 * folder (as `sift up` does in the image); a test model when the repository has no sample.
 */
async function buildModelStore(image: Image, store: string, t: TestContext): Promise<void> {
  if (image.modelStage !== undefined && (await hasSamplePackage())) {
    const [command, ...args] = image.modelStage.replace("/app/.sift", store).split(" ");
    await run(command === "node" ? process.execPath : (command as string), args, {
      cwd: dir,
      timeout: 240_000,
    });
    return;
  }
  t.diagnostic("no bundled sample package yet: the store gets a model trained by the test fixtures");
  const registry = openRegistry(store);
  const version = await registerModel(registry, "relevance");
  await registry.promote("relevance", version.version);
  registry.close();
}

async function waitReady(port: number): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe("the container image, rehearsed", { timeout: 300_000 }, () => {
  it("installs production dependencies only, starts, is ready and predicts", async (t) => {
    const image = readDockerfile(await readFile(path.join(ROOT, "Dockerfile"), "utf8"));
    // The image starts the bundle as `npm start` does: the same node flags.
    const flags = startNodeFlags(ROOT);
    assert.deepEqual(image.cmd.slice(0, flags.length + 3), ["node", ...flags, START_BUNDLE, "serve"]);
    assert.deepEqual(image.fromBundle, ["dist/bundle"]);
    for (const needed of ["package-lock.json", "src", "proto", "openapi.json", "samples"])
      assert.ok(image.copies.includes(needed), `the runtime stage must copy ${needed}`);
    for (const source of image.copies)
      await cp(path.join(ROOT, source), path.join(dir, source), { recursive: true });
    await installProductionDependencies();
    await buildBundle(image);
    const store = path.join(dir, ".sift");
    await buildModelStore(image, store, t);

    const port = 18_000 + Math.floor(Math.random() * 2000);
    const [node, ...args] = image.cmd;
    child = spawn(
      node === "node" ? process.execPath : (node as string),
      [...args, "--grpc-port", "0", "--host", "127.0.0.1"],
      {
        cwd: dir,
        env: {
          ...process.env,
          ...image.env,
          SIFT_STORE: store,
          NODE_COMPILE_CACHE: path.join(dir, ".cache"),
          PORT: String(port),
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    assert.ok(await waitReady(port), "the image never became ready");
    await assertPredicts(`http://127.0.0.1:${port}`, 1);

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});
