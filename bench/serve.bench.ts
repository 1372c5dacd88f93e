/**
 * Serving benchmark (npm run bench:serve), side by side in one run on this machine:
 *   - a bare node:http server that parses the same JSON and answers a constant (the ceiling),
 *   - sift's POST /v1/predict serving the default model trained on the dev package, started as
 *     production starts it (the esbuild bundle this bench builds first; `npm start`, Docker),
 *   - the FastAPI + scikit-learn peer from ../shared/bench-peers (2 uvicorn workers),
 *   - any extra sift configurations from `extraSiftVariants` (prediction log, shadow model, …),
 * all loaded the same way (wrk -t2 -c32 -d10s with sentences.lua, else autocannon over the same
 * sentences). Then sift's cold start (spawn → /readyz 200, median of 5: the bundle, and the
 * sources with the compile cache warm and turned off), the batch endpoint (1,000 sentences a
 * request) and the server's memory.
 *
 * Every server is a separate process on 127.0.0.1. Ratios come from the same run: the machine is
 * shared. SIFT_BENCH_SECONDS shortens or lengthens each load (default 10).
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { START_BUNDLE, startNodeFlags } from "../scripts/start-flags.ts";
import {
  type LoadFigures,
  type LoadSettings,
  loadSentences,
  loadTool,
  PEERS_DIR,
  sentenceBodies,
  withAutocannon,
} from "./serve-load.ts";
import { LOG_ON, measureLoopRows, PLAIN, printLoopRatios, SHADOW, shadowStore } from "./serve-loop.ts";
import {
  median,
  memoryMb,
  type RunningServer,
  type ServerVariant,
  siftServeArgs,
  startServer,
} from "./serve-processes.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = path.join(ROOT, "src/cli/main.ts");
/** The production start bundle (`npm run bundle`, what `npm start` runs); built by this bench. */
const BUNDLE = path.join(ROOT, START_BUNDLE);
const DATA = fileURLToPath(new URL("../../shared/data/relevance-dev.db.b64.tar.gz", import.meta.url));
const PYTHON = "/usr/bin/python3";
const SECONDS = Number(process.env.SIFT_BENCH_SECONDS ?? "10");
const LOAD: LoadSettings = { connections: 32, seconds: SECONDS };
const WARM_UP: LoadSettings = { connections: 32, seconds: 3 };
const BATCH_SIZE = 1000;
const COLD_STARTS = 5;

const TARGETS = {
  shareOfCeiling: 0.6,
  p99Ms: 5,
  timesFastApi: 20,
  coldStartMs: 500,
  batchSentencesPerS: 50_000,
  rssMb: 200,
};

/** What every variant can use: the trained store, the peer's model, scratch space. */
export interface BenchSetup {
  readonly dir: string;
  readonly store: string;
  readonly peerModel: string | null;
}

// ── the servers ───────────────────────────────────────────────────────────────────────────────

const ceiling: ServerVariant = {
  name: "bare node:http (ceiling)",
  command: process.execPath,
  args: [path.join(ROOT, "bench/serve-ceiling.ts"), "{port}"],
  predictPath: "/",
  ready: { path: "/", method: "POST" },
};

/**
 * The same bare server scoring each sentence with sift's production model (serve-ceiling.ts with
 * the store): the most one Node thread answers with this model, nothing of sift's server around it.
 */
function modelCeiling(setup: BenchSetup): ServerVariant {
  return {
    ...ceiling,
    name: "bare node:http + sift's model (one thread, no log)",
    args: [...ceiling.args, setup.store],
  };
}

/**
 * sift serve as a user runs it (default log level, logs to /dev/null), plus `extraArgs`.
 * gRPC is on (its own free port) as in production; it idles during the HTTP load.
 */
export function siftVariant(
  name: string,
  setup: BenchSetup,
  extraArgs: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): ServerVariant {
  return {
    name,
    command: process.execPath,
    args: siftServeArgs(CLI, setup.store, ...extraArgs),
    env: { NODE_COMPILE_CACHE: path.join(setup.dir, "compile-cache"), ...env },
    predictPath: "/v1/predict",
    ready: { path: "/readyz", method: "GET" },
  };
}

/**
 * `siftVariant`, started as production starts it: from the bundle instead of the TypeScript
 * sources, with `npm start`'s node flags (the Dockerfile's CMD has the same).
 */
function bundleVariant(name: string, setup: BenchSetup): ServerVariant {
  const variant = siftVariant(name, setup);
  const args = variant.args.map((arg) => (arg === CLI ? BUNDLE : arg));
  return { ...variant, args: [...startNodeFlags(ROOT), ...args] };
}

/**
 * Extra sift configurations, loaded exactly like the main sift row (`sift serve` with its
 * defaults, which log predictions) and compared with it: add "shadow model on", … here, e.g.
 *   siftVariant("sift, shadow model on", setup, ["--some-flag"])
 */
export function extraSiftVariants(setup: BenchSetup): ServerVariant[] {
  const shadow = { ...setup, store: shadowStore(setup.store, setup.dir) };
  return [
    siftVariant(PLAIN, setup, ["--no-prediction-log"]),
    siftVariant(LOG_ON, setup),
    siftVariant(SHADOW, shadow),
  ];
}

function fastApiVariant(peerModel: string): ServerVariant {
  return {
    name: "FastAPI + sklearn peer (2 workers)",
    command: PYTHON,
    args: [
      "-m",
      "uvicorn",
      "--app-dir",
      PEERS_DIR,
      "fastapi_serve:app",
      "--host",
      "127.0.0.1",
      "--port",
      "{port}",
      "--workers",
      "2",
    ],
    env: { MODEL: peerModel },
    predictPath: "/predict",
    ready: { path: "/predict", method: "POST" },
  };
}

// ── set-up: sift's model through the CLI, the peer's through its script ──────────────────────

function hasPythonPeer(): boolean {
  try {
    execFileSync(PYTHON, ["-c", "import fastapi, uvicorn, sklearn, joblib"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `sift train --promote`; when a quality gate holds the version back, promote it anyway. */
async function trainSift(store: string): Promise<string> {
  const args = [CLI, "train", "--data", DATA, "--store", store, "--promote", "--json"];
  const { stdout, code } = await run(process.execPath, args, { maxBuffer: 64 << 20 }).then(
    (r) => ({ stdout: r.stdout, code: 0 }),
    (error: { stdout?: string; code?: number }) => ({ stdout: String(error.stdout ?? ""), code: error.code }),
  );
  const result = JSON.parse(stdout) as { version: number; promoted: boolean; gatesPassed: boolean };
  if (result.promoted) return `relevance@${result.version} (gates passed)`;
  if (code !== 3) throw new Error(`sift train failed with exit code ${String(code)}`);
  await run(process.execPath, [
    CLI,
    "models",
    "promote",
    "relevance",
    String(result.version),
    "--store",
    store,
  ]);
  return `relevance@${result.version} (a quality gate held it back; promoted for the bench)`;
}

async function trainPeer(file: string): Promise<void> {
  await run(PYTHON, [`${PEERS_DIR}sklearn_relevance.py`, DATA, "--save", file], {
    cwd: PEERS_DIR,
    maxBuffer: 16 << 20,
  });
}

// ── measurements ─────────────────────────────────────────────────────────────────────────────

interface Row {
  readonly name: string;
  readonly figures: LoadFigures | null;
  readonly note?: string;
}

async function loadOne(server: RunningServer): Promise<LoadFigures> {
  const url = `${server.baseUrl}${server.variant.predictPath}`;
  await loadSentences(url, WARM_UP);
  return loadSentences(url, LOAD);
}

async function measureVariant(variant: ServerVariant): Promise<Row> {
  const server = await startServer(variant);
  try {
    return { name: variant.name, figures: await loadOne(server) };
  } finally {
    await server.stop();
  }
}

/** Bodies of BATCH_SIZE consecutive sentences, starting at different places in the list. */
function batchBodies(): string[] {
  const sentences = sentenceBodies().map((line) => (JSON.parse(line) as { sentence: string }).sentence);
  const bodies: string[] = [];
  for (let start = 0; start < sentences.length; start += 250) {
    const batch = Array.from(
      { length: BATCH_SIZE },
      (_, i) => sentences[(start + i) % sentences.length] as string,
    );
    bodies.push(JSON.stringify({ sentences: batch }));
  }
  return bodies;
}

interface SiftExtras {
  readonly batch: { sentencesPerS: number; p99Ms: number; failures: number };
  readonly memory: { rss: number; peak: number };
}

/** The main sift row, then the batch endpoint and memory on the same process. */
async function measureSift(variant: ServerVariant): Promise<{ row: Row; extras: SiftExtras }> {
  const server = await startServer(variant);
  try {
    const figures = await loadOne(server);
    const url = `${server.baseUrl}/v1/predict/batch`;
    const bodies = batchBodies();
    await withAutocannon(url, { connections: 2, seconds: 2 }, bodies);
    const { result } = await withAutocannon(url, { connections: 2, seconds: SECONDS }, bodies);
    const batch = {
      sentencesPerS: (result["2xx"] * BATCH_SIZE) / result.duration,
      p99Ms: result.latency.p99,
      failures: result.non2xx + result.errors,
    };
    const memory = memoryMb(server.child.pid as number);
    return { row: { name: variant.name, figures }, extras: { batch, memory } };
  } finally {
    await server.stop();
  }
}

interface ColdStarts {
  /** Wall time, spawn → /readyz 200, in ms. */
  readonly wall: number[];
  /** CPU time the server had used when it turned ready, in ms. */
  readonly cpu: number[];
}

/** Spawn → /readyz 200, `COLD_STARTS` times; the first start of a fresh cache is not counted. */
async function coldStart(variant: ServerVariant, warmFirst: boolean): Promise<ColdStarts> {
  const result: ColdStarts = { wall: [], cpu: [] };
  if (warmFirst) await (await startServer(variant)).stop();
  for (let i = 0; i < COLD_STARTS; i++) {
    const server = await startServer(variant);
    result.wall.push(server.readyMs);
    result.cpu.push(server.readyCpuMs);
    await server.stop();
  }
  return result;
}

// ── report ──────────────────────────────────────────────────────────────────────────────────

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTable(rows: readonly Row[], ceilingRps: number): void {
  console.log(
    `\n| server | requests/s | p50 ms | p99 ms | failed | share of ceiling |\n|---|---|---|---|---|---|`,
  );
  for (const { name, figures, note } of rows) {
    if (figures === null) {
      console.log(`| ${name} | ${note ?? "skipped"} | | | | |`);
      continue;
    }
    const share = figures.requestsPerS / ceilingRps;
    console.log(
      `| ${name} | ${fmt(figures.requestsPerS)} | ${fmt(figures.p50Ms, 2)} | ${fmt(figures.p99Ms, 2)} | ${figures.failures} | ${fmt(share, 2)} |`,
    );
  }
}

function verdict(ok: boolean): string {
  return ok ? "met" : "NOT met";
}

function printRatios(sift: LoadFigures, ceilingRps: number, fastApi: LoadFigures | null): void {
  const share = sift.requestsPerS / ceilingRps;
  console.log(
    `\nsift / bare       ${fmt(share, 2)}  (target ≥ ${TARGETS.shareOfCeiling}: ${verdict(share >= TARGETS.shareOfCeiling)})`,
  );
  console.log(
    `sift p99          ${fmt(sift.p99Ms, 2)} ms  (target ≤ ${TARGETS.p99Ms} ms: ${verdict(sift.p99Ms <= TARGETS.p99Ms)})`,
  );
  if (fastApi === null) {
    console.log("sift / FastAPI    n/a (peer skipped)");
    return;
  }
  const times = sift.requestsPerS / fastApi.requestsPerS;
  console.log(
    `sift / FastAPI    ${fmt(times, 1)}×  (target ≥ ${TARGETS.timesFastApi}×: ${verdict(times >= TARGETS.timesFastApi)})`,
  );
}

/**
 * What the model alone leaves of the ceiling: the bare server scoring with sift's model, and
 * plain serving (log off) as a share of the bare server and of that model ceiling.
 */
function printModelCeiling(bareModel: Row, extraRows: readonly Row[], ceilingRps: number): void {
  const withModel = bareModel.figures?.requestsPerS;
  if (withModel === undefined) return;
  console.log(
    `bare + model      ${fmt(withModel / ceilingRps, 2)} of bare: the ceiling of a one-thread server scoring this model`,
  );
  const plain = extraRows.find((row) => row.name === PLAIN)?.figures;
  if (plain === undefined || plain === null) return;
  console.log(
    `plain serving     ${fmt(plain.requestsPerS / ceilingRps, 2)} of bare, ${fmt(plain.requestsPerS / withModel, 2)} of bare + model (log off; p99 ${fmt(plain.p99Ms, 2)} ms)`,
  );
}

interface ColdStartRuns {
  readonly warm: ColdStarts;
  readonly off: ColdStarts;
  readonly bundle: ColdStarts;
}

function printColdStarts(cold: ColdStartRuns): void {
  const list = (xs: number[]) => xs.map((x) => fmt(x)).join(", ");
  const bundle = median(cold.bundle.wall);
  console.log(
    `cold start        ${fmt(bundle)} ms median, production bundle (npm start), cache warm [${list(cold.bundle.wall)}]  (target ≤ ${TARGETS.coldStartMs} ms: ${verdict(bundle <= TARGETS.coldStartMs)})`,
  );
  const warm = median(cold.warm.wall);
  console.log(
    `                  ${fmt(warm)} ms median, TypeScript sources, compile cache warm [${list(cold.warm.wall)}]  (target ≤ ${TARGETS.coldStartMs} ms: ${verdict(warm <= TARGETS.coldStartMs)})`,
  );
  console.log(
    `                  ${fmt(median(cold.off.wall))} ms median, compile cache off  [${list(cold.off.wall)}]`,
  );
  console.log(
    `  CPU to ready    ${fmt(median(cold.bundle.cpu))} ms bundle, ${fmt(median(cold.warm.cpu))} ms sources cache warm, ${fmt(median(cold.off.cpu))} ms sources cache off (medians; what a quiet machine's wall time would be)`,
  );
}

function printExtras(extras: SiftExtras, cold: ColdStartRuns): void {
  printColdStarts(cold);
  const { batch, memory } = extras;
  console.log(
    `batch (${BATCH_SIZE}/req)  ${fmt(batch.sentencesPerS)} sentences/s, p99 ${fmt(batch.p99Ms)} ms, ${batch.failures} failed  (target ≥ ${fmt(TARGETS.batchSentencesPerS)}: ${verdict(batch.sentencesPerS >= TARGETS.batchSentencesPerS)})`,
  );
  console.log(
    `server memory     RSS ${fmt(memory.rss)} MB after load, peak ${fmt(memory.peak)} MB  (target ≤ ${TARGETS.rssMb} MB: ${verdict(memory.rss <= TARGETS.rssMb)})`,
  );
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────

async function prepare(dir: string): Promise<{ setup: BenchSetup; model: string; peerNote: string }> {
  const store = path.join(dir, "store");
  const peerWanted = hasPythonPeer();
  const peerFile = path.join(dir, "peer.joblib");
  console.log(
    `training sift's default model${peerWanted ? " and the peer's word+char model" : ""} on ${path.basename(DATA)} …`,
  );
  const [model] = await Promise.all([
    trainSift(store),
    peerWanted ? trainPeer(peerFile) : undefined,
    run(process.execPath, [path.join(ROOT, "scripts/bundle.ts")]),
  ]);
  const peerNote = peerWanted ? "" : `skipped: ${PYTHON} lacks fastapi, uvicorn or scikit-learn`;
  return { setup: { dir, store, peerModel: peerWanted ? peerFile : null }, model, peerNote };
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`skipped: ${DATA} is absent`);
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), "sift-bench-serve-"));
  try {
    const { setup, model, peerNote } = await prepare(dir);
    const load1 = loadavg()[0] ?? 0;
    console.log(
      `serving ${model}; load: ${loadTool()}, ${LOAD.connections} connections, ${SECONDS} s each after a ${WARM_UP.seconds} s warm-up; load average ${fmt(load1, 1)} on 2 cores`,
    );

    const bare = await measureVariant(ceiling);
    const bareModel = await measureVariant(modelCeiling(setup));
    // The main row, the batch endpoint and memory: sift as production starts it (npm start and
    // the Docker image run the bundle); the rows below run the TypeScript sources.
    const sift = await measureSift(bundleVariant("sift /v1/predict (start bundle)", setup));
    const peer: Row =
      setup.peerModel === null
        ? { name: "FastAPI + sklearn peer", figures: null, note: peerNote }
        : await measureVariant(fastApiVariant(setup.peerModel));
    const extraRows: Row[] = await measureLoopRows(extraSiftVariants(setup), measureVariant);

    const siftCold = siftVariant("sift cold start", setup);
    const cold = {
      warm: await coldStart(siftCold, true),
      off: await coldStart(
        siftVariant("sift cold start, no cache", setup, [], { NODE_DISABLE_COMPILE_CACHE: "1" }),
        false,
      ),
      bundle: await coldStart(bundleVariant("sift cold start, bundle", setup), true),
    };

    const ceilingRps = bare.figures?.requestsPerS ?? Number.NaN;
    printTable([bare, bareModel, sift.row, peer, ...extraRows], ceilingRps);
    if (sift.row.figures !== null) printRatios(sift.row.figures, ceilingRps, peer.figures);
    printModelCeiling(bareModel, extraRows, ceilingRps);
    printLoopRatios(extraRows);
    printExtras(sift.extras, cold);
    console.log(`load average at the end: ${fmt(loadavg()[0] ?? 0, 1)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
