/**
 * `npm run bench:data`: builds a 1,000,000-row package in a temporary directory, then unpacks,
 * validates, cleans, fingerprints and splits it in a fresh process, and prints rows/s and peak
 * RSS beside the targets (≥ 200,000 rows/s, < 500 MB) and beside `tar -xzO | base64 -d` doing
 * the unpacking alone. Rows: SIFT_BENCH_ROWS (default 1,000,000).
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import {
  cleanRows,
  fingerprint,
  packDatabase,
  readSource,
  splitRows,
  validateDataset,
} from "../src/data/index.ts";

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
  readonly phases: Record<string, number>;
  readonly rowsOut: number;
  readonly peakRssMb: number;
}

async function measure(pkg: string): Promise<void> {
  const phases: Record<string, number> = {};
  const time = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    phases[name] = (performance.now() - start) / 1000;
    return result;
  };
  const dataset = await time("unpack + read", () => readSource(pkg));
  await time("validate", () => validateDataset(dataset));
  const { rows } = await time("clean", () => cleanRows(dataset.rows));
  await time("fingerprint", () => fingerprint(rows));
  await time("split", () => splitRows(rows));
  const result: Measured = { phases, rowsOut: rows.length, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result));
}

function baselineSeconds(pkg: string): number {
  const start = performance.now();
  const shell = spawnSync("sh", ["-c", `tar -xzOf "${pkg}" | base64 -d > /dev/null`]);
  return shell.status === 0 ? (performance.now() - start) / 1000 : Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sift-bench-data-"));
  try {
    process.stdout.write(`generating a ${ROWS.toLocaleString("en")}-row package…\n`);
    await promisify(execFile)(process.execPath, [SELF, "--generate", dir], { maxBuffer: 1 << 20 });
    const pkg = join(dir, "bench.b64.tar.gz");
    const size = (await stat(pkg)).size / 1e6;
    const { stdout } = await promisify(execFile)(process.execPath, [SELF, "--measure", pkg], {
      maxBuffer: 1 << 20,
    });
    const m = JSON.parse(stdout) as Measured;
    const total = Object.values(m.phases).reduce((a, b) => a + b, 0);
    const base = baselineSeconds(pkg);
    const lines = [
      `package: ${size.toFixed(1)} MB, ${ROWS.toLocaleString("en")} rows → ${m.rowsOut.toLocaleString("en")} clean rows`,
      ...Object.entries(m.phases).map(([name, s]) => `  ${name.padEnd(14)} ${s.toFixed(2)} s`),
      `  ${"total".padEnd(14)} ${total.toFixed(2)} s`,
      "",
      `                   sift           target / baseline`,
      `rows/s end to end  ${Math.round(ROWS / total)
        .toLocaleString("en")
        .padEnd(14)} ≥ 200,000`,
      `peak RSS           ${`${m.peakRssMb.toFixed(0)} MB`.padEnd(14)} < 500 MB`,
      `unpack alone       ${`${(m.phases["unpack + read"] ?? 0).toFixed(2)} s (+ read)`.padEnd(14)} ${base.toFixed(2)} s  tar -xzO | base64 -d`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === "--generate" && arg !== undefined) await generate(arg);
else if (mode === "--measure" && arg !== undefined) await measure(arg);
else await main();
