/**
 * `npm run bench:data`: builds a 1,000,000-row package in a temporary directory, then runs what the
 * pipeline runs on it — `prepareData` (unpack; read, validate and clean in one streamed pass;
 * fingerprint) and `splitRows` — in a fresh process per configuration:
 * - sift: the pipeline's call (`keepRawRows: false`), which reads and cleans a large SQLite source
 *   in two threads (`parallelRead`, on by default), with the young generation held at its starting
 *   size as every `sift` command holds it (src/cli/heap.ts: the default semi-spaces grow with the
 *   machine's memory and are where the rest of the peak RSS goes). This is the figure beside the
 *   targets.
 * - the same call in one thread (`parallelRead: false`), the before of the two-thread read;
 * - raw rows kept (prepareData's default), the lean call with V8's default young generation and
 *   with `--max-semi-space-size=16` (the cap as a node flag), and `offloadText: true`.
 * Prints wall, process CPU (all threads) and main-thread CPU seconds per phase, rows/s and peak RSS
 * beside the targets (≥ 200,000 rows/s, < 500 MB) and beside `tar -xzO | base64 -d` doing the
 * unpacking alone, with the load average (the machine is shared). Rows: SIFT_BENCH_ROWS.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import { holdYoungGeneration } from "../src/cli/heap.ts";
import { packDatabase, prepareData, splitRows } from "../src/data/index.ts";

const ROWS = Number(process.env.SIFT_BENCH_ROWS ?? 1_000_000);
const SELF = new URL(import.meta.url).pathname;

/** Small seeded generator (mulberry32), so every run benchmarks the same package. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = [
  "Millbrook",
  "the valley",
  "Harbour Street",
  "the county",
  "La Ronge",
  "the coast",
  "Route 4",
  "the old town",
];
const RELEVANT = [
  "Wildfire near %p forces %n homes to evacuate",
  "Flood warning for %p after %n mm of rain overnight",
  "Earthquake of magnitude %d shakes %p, buildings damaged",
  "Explosion at the plant near %p injures %n workers",
];
const OTHER = [
  "This new song is fire, on repeat %n times today",
  "My inbox after %n days off is a disaster",
  "We got destroyed %d-0 at %p last night lol",
  "Drowning in homework, %n pages to go",
];
const DIRT = [" http://t.co/%h", " via @news%n", " &amp; more", " —_", " #breaking", "Î¾update", " ‰ÛÒ"];

function sentence(next: () => number, i: number): [string, string] {
  const relevant = next() < 0.43;
  const templates = relevant ? RELEVANT : OTHER;
  let text = (templates[Math.floor(next() * templates.length)] as string)
    .replace("%p", PLACES[Math.floor(next() * PLACES.length)] as string)
    .replace("%n", String(i % 997))
    .replace("%d", String(1 + (i % 9)));
  text += ` #${i}`;
  if (next() < 0.3)
    text += (DIRT[Math.floor(next() * DIRT.length)] as string)
      .replace("%h", i.toString(36))
      .replace("%n", String(i % 50));
  const label = next() < 0.002 ? "Can't Decide" : relevant ? "Relevant" : "Not Relevant";
  return [text, next() < 0.01 ? ` ${label.toLowerCase()} ` : label];
}

async function generate(dir: string): Promise<void> {
  const dbPath = join(dir, "bench.db");
  const db = new DatabaseSync(dbPath);
  db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
  db.exec("CREATE TABLE data (text TEXT, choose_one TEXT, class_label INTEGER)");
  const insert = db.prepare("INSERT INTO data VALUES (?, ?, ?)");
  const next = random(42);
  db.exec("BEGIN");
  for (let i = 0; i < ROWS; i++) {
    // Every 20th row repeats an earlier sentence, as real exports do.
    const [text, label] = sentence(next, i % 20 === 19 ? i - 7 : i);
    insert.run(text, label, label.trim().toLowerCase() === "relevant" ? 1 : 0);
  }
  db.exec("COMMIT");
  db.close();
  await packDatabase(dbPath, join(dir, "bench.b64.tar.gz"));
  await rm(dbPath);
}

interface Measured {
  /** Wall-clock, process CPU (every thread) and main-thread CPU seconds per phase. */
  readonly phases: Record<string, { wall: number; cpu: number; main: number }>;
  readonly rowsOut: number;
  readonly peakRssMb: number;
}

/** The pipeline's path: `prepareData` (unpack, then read + validate + clean streamed, fingerprint), then split. */
async function measure(
  pkg: string,
  keepRawRows: boolean,
  offloadText: boolean,
  parallelRead: boolean,
): Promise<void> {
  const phases: Measured["phases"] = {};
  let current = "";
  let wall = performance.now();
  let cpu = process.cpuUsage();
  let main = process.threadCpuUsage();
  const next = (phase: string): void => {
    if (current !== "") {
      const used = process.cpuUsage(cpu);
      const own = process.threadCpuUsage(main);
      phases[current] = {
        wall: (performance.now() - wall) / 1000,
        cpu: (used.user + used.system) / 1e6,
        main: (own.user + own.system) / 1e6,
      };
    }
    [current, wall, cpu, main] = [phase, performance.now(), process.cpuUsage(), process.threadCpuUsage()];
  };
  const names = { unpack: "unpack", read: "read + validate + clean", fingerprint: "fingerprint" };
  const prepared = await prepareData(pkg, {
    keepRawRows,
    offloadText,
    parallelRead,
    onPhase: (phase) => next(names[phase]),
  });
  next("split");
  splitRows(prepared.rows);
  next("");
  const result: Measured = {
    phases,
    rowsOut: prepared.rows.length,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(result));
}

function baselineSeconds(pkg: string): number {
  const start = performance.now();
  const shell = spawnSync("sh", ["-c", `tar -xzOf "${pkg}" | base64 -d > /dev/null`]);
  return shell.status === 0 ? (performance.now() - start) / 1000 : Number.NaN;
}

/** V8's young generation capped by a node flag (its default grows to 64 MB semi-spaces here). */
const SMALL_YOUNG_GENERATION = "--max-semi-space-size=16";
/** Tells the measuring child to hold its young generation as the `sift` CLI does (a runtime flag). */
const AS_CLI = "--as-cli";

async function measureIn(
  pkg: string,
  lean: boolean,
  nodeFlags: readonly string[] = [],
  variant: "offload" | "one-thread" | null = null,
  asCli = false,
): Promise<Measured> {
  const args = [
    ...nodeFlags,
    SELF,
    "--measure",
    pkg,
    ...(lean ? ["--lean"] : []),
    ...(variant ? [`--${variant}`] : []),
    ...(asCli ? [AS_CLI] : []),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as Measured;
}

const seconds = (s: number): string => `${s.toFixed(2)} s`;

function describe(m: Measured): { total: number; lines: string[] } {
  const phases = Object.entries(m.phases);
  const total = phases.reduce((sum, [, p]) => sum + p.wall, 0);
  const cpu = phases.reduce((sum, [, p]) => sum + p.cpu, 0);
  const main = phases.reduce((sum, [, p]) => sum + p.main, 0);
  const line = (name: string, w: number, c: number, m: number): string =>
    `  ${name.padEnd(24)} ${seconds(w).padStart(8)} ${seconds(c).padStart(8)} ${seconds(m).padStart(8)}`;
  const lines = [
    ...phases.map(([name, p]) => line(name, p.wall, p.cpu, p.main)),
    line("total", total, cpu, main),
  ];
  return { total, lines };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sift-bench-data-"));
  try {
    process.stdout.write(`generating a ${ROWS.toLocaleString("en")}-row package…\n`);
    await promisify(execFile)(process.execPath, [SELF, "--generate", dir], { maxBuffer: 1 << 20 });
    const pkg = join(dir, "bench.b64.tar.gz");
    const size = (await stat(pkg)).size / 1e6;
    const load = loadavg()[0] ?? 0;
    // sift's figure first (the pipeline's call, two threads), then the one-thread read of the same
    // call, interleaved with the other configurations so load drifts hit them alike.
    const sift = await measureIn(pkg, true, [], null, true);
    const oneThread = await measureIn(pkg, true, [], "one-thread", true);
    const kept = await measureIn(pkg, false, [], null, true);
    const uncapped = await measureIn(pkg, true);
    const flagged = await measureIn(pkg, true, [SMALL_YOUNG_GENERATION]);
    const offloaded = await measureIn(pkg, true, [], "offload", true);
    const base = baselineSeconds(pkg);
    const a = describe(sift);
    const b = describe(oneThread);
    const unpack = sift.phases.unpack?.wall ?? Number.NaN;
    const rate = (total: number): string => Math.round(ROWS / total).toLocaleString("en");
    const header = `${"".padEnd(26)}     wall      cpu  main-thread cpu`;
    const lines = [
      `package: ${size.toFixed(1)} MB, ${ROWS.toLocaleString("en")} rows → ${sift.rowsOut.toLocaleString("en")} clean rows; load average ${load.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)} (2 cores shared)`,
      "",
      "sift: prepareData({ keepRawRows: false }) — the pipeline's call; read + clean in two threads; young generation held as the CLI holds it",
      header,
      ...a.lines,
      "the same call in one thread (parallelRead: false), young generation held",
      header,
      ...b.lines,
      "",
      `                    sift (two threads)   one thread          target / baseline`,
      `rows/s end to end   ${rate(a.total).padEnd(20)} ${rate(b.total).padEnd(19)} ≥ 200,000`,
      `peak RSS            ${`${sift.peakRssMb.toFixed(0)} MB`.padEnd(20)} ${`${oneThread.peakRssMb.toFixed(0)} MB`.padEnd(19)} < 500 MB`,
      `unpack              ${seconds(unpack).padEnd(20)} ${"".padEnd(19)} ${seconds(base)} tar -xzO | base64 -d (${(unpack / base).toFixed(2)}×)`,
      "",
      `raw rows kept (prepareData's default, one thread), young generation held: ${rate(describe(kept).total)} rows/s, peak RSS ${kept.peakRssMb.toFixed(0)} MB`,
      `keepRawRows: false, V8's default young generation (not sift's CLI): ${rate(describe(uncapped).total)} rows/s, peak RSS ${uncapped.peakRssMb.toFixed(0)} MB`,
      `keepRawRows: false under node ${SMALL_YOUNG_GENERATION} instead: ${rate(describe(flagged).total)} rows/s, peak RSS ${flagged.peakRssMb.toFixed(0)} MB`,
      `keepRawRows: false, offloadText: true (one reader, texts cleaned in a worker), young generation held: ${rate(describe(offloaded).total)} rows/s, peak RSS ${offloaded.peakRssMb.toFixed(0)} MB`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === "--generate" && arg !== undefined) await generate(arg);
else if (mode === "--measure" && arg !== undefined) {
  const flags = process.argv.slice(4);
  if (flags.includes(AS_CLI)) holdYoungGeneration();
  await measure(arg, !flags.includes("--lean"), flags.includes("--offload"), !flags.includes("--one-thread"));
} else await main();
