/**
 * CPU time per request of `/v1/predict` — main thread and whole process — with the prediction
 * log off, on, and on with a shadow model, optionally beside a baseline checkout of sift in the
 * same run. On a shared machine requests/s drift with the neighbours' load; CPU per request
 * barely does, so this is how serving-path changes are judged between quiet-machine runs.
 *
 *   node bench/serve-cpu.ts [--baseline <root of another sift checkout>] [--seconds 8] [--rounds 1]
 *                           [--flags "<node flags>"] [--baseline-flags "<node flags>"]
 *
 * With a baseline the two trees run interleaved (baseline, this tree, baseline, …) so both see
 * the same drift in the neighbours' load; each row is the round with the median process CPU.
 * Each tree and variant logs to a prediction log of its own, kept across rounds, so a log's
 * indexes grow as they would in a server that has run a while (and a tree never opens a log
 * file another tree's schema wrote).
 *
 * The trained store is kept in SIFT_BENCH_STORE when set (trained once, reused), else in a
 * temporary folder removed at the end.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadSentences } from "./serve-load.ts";
import { shadowStore } from "./serve-loop.ts";
import { cpuMs, type ServerVariant, siftServeArgs, startServer } from "./serve-processes.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = path.join(ROOT, "../shared/data/relevance-dev.db.b64.tar.gz");

let ticks: number | undefined;

/** User + system CPU of one thread (the main thread's tid is the pid), in ms. */
function threadCpuMs(pid: number, tid: number): number {
  ticks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

/**
 * CPU ms of the server's worker threads, by start order: the prediction log's writer starts with
 * the server; trees before the writer scored shadows also started a shadow scorer thread with the
 * first shadow job ("WorkerThread" is what Node names both). Today shadows score in the writer.
 * V8's helper threads (garbage collection, compilation) are summed as "v8".
 */
function threadsCpuMs(pid: number): { workers: number[]; v8: number } {
  const workers: number[] = [];
  let v8 = 0;
  const tids = readdirSync(`/proc/${pid}/task`)
    .map(Number)
    .sort((a, b) => a - b);
  for (const tid of tids) {
    const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
    if (name === "WorkerThread") workers.push(threadCpuMs(pid, tid));
    else if (name === "V8Worker") v8 += threadCpuMs(pid, tid);
  }
  return { workers, v8 };
}

function variant(
  name: string,
  root: string,
  store: string,
  extra: readonly string[],
  nodeFlags: readonly string[] = [],
): ServerVariant {
  const cli = path.join(root, "src/cli/main.ts");
  return {
    name,
    command: process.execPath,
    args: [...nodeFlags, ...siftServeArgs(cli, store, ...extra)],
    env: {},
    predictPath: "/v1/predict",
    ready: { path: "/readyz", method: "GET" },
  };
}

interface Measured {
  readonly name: string;
  readonly requestsPerS: number;
  readonly mainUs: number;
  readonly processUs: number;
  /** µs per request of the log writer thread, the shadow scorer thread, and V8's helpers. */
  readonly writerUs: number;
  readonly shadowUs: number;
  readonly v8Us: number;
  /** The server's resident memory right after the load, MB. */
  readonly rssMb: number;
}

async function measure(v: ServerVariant, seconds: number): Promise<Measured> {
  const server = await startServer(v);
  try {
    const url = `${server.baseUrl}${v.predictPath}`;
    await loadSentences(url, { connections: 32, seconds: 2 }); // warm-up (JIT, shadow thread)
    const pid = server.child.pid as number;
    const main0 = threadCpuMs(pid, pid);
    const threads0 = threadsCpuMs(pid);
    const all0 = cpuMs(pid);
    const figures = await loadSentences(url, { connections: 32, seconds });
    const requests = Math.max(1, figures.requests);
    const threads = threadsCpuMs(pid);
    const perRequest = (after = 0, before = 0) => ((after - before) * 1000) / requests;
    return {
      name: v.name,
      requestsPerS: figures.requestsPerS,
      mainUs: ((threadCpuMs(pid, pid) - main0) * 1000) / requests,
      processUs: ((cpuMs(pid) - all0) * 1000) / requests,
      writerUs: perRequest(threads.workers[0], threads0.workers[0]),
      shadowUs: perRequest(threads.workers[1], threads0.workers[1]),
      v8Us: perRequest(threads.v8, threads0.v8),
      rssMb: Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: "string" },
      // Node flags for this tree's and the baseline's servers (space-separated), e.g. to A/B a
      // start flag with --baseline . (the same tree twice).
      flags: { type: "string", default: "" },
      "baseline-flags": { type: "string", default: "" },
      seconds: { type: "string", default: "8" },
      rounds: { type: "string", default: "1" },
    },
  });
  if (!existsSync(DATA)) {
    console.log(`skipped: ${DATA} is absent`);
    return;
  }
  const temp = mkdtempSync(path.join(tmpdir(), "sift-serve-cpu-"));
  const store = process.env.SIFT_BENCH_STORE ?? path.join(temp, "store");
  const cli = path.join(ROOT, "src/cli/main.ts");
  try {
    if (!existsSync(store)) {
      console.log("training sift's default model …");
      execFileSync(process.execPath, [cli, "train", "--data", DATA, "--store", store, "--promote"], {
        stdio: "ignore",
      });
    }
    const shadow = shadowStore(store, temp);
    const words = (flags: string) => flags.split(" ").filter((flag) => flag !== "");
    const roots: [string, string, string[]][] = [["this tree", ROOT, words(values.flags)]];
    if (values.baseline !== undefined) {
      roots.unshift(["baseline", path.resolve(values.baseline), words(values["baseline-flags"])]);
    }
    const seconds = Number(values.seconds);
    const logOf = (label: string, kind: string) => [
      "--prediction-log",
      path.join(temp, `${label}-${kind}.db`),
    ];
    type Make = (label: string, root: string, flags: string[]) => ServerVariant;
    const kinds: [string, Make][] = [
      [
        "log off",
        (label, root, flags) => variant(`${label}: log off`, root, store, ["--no-prediction-log"], flags),
      ],
      ["log on", (label, root, flags) => variant(`${label}: log on`, root, store, logOf(label, "on"), flags)],
      [
        "log + shadow",
        (label, root, flags) =>
          variant(`${label}: log + shadow`, root, shadow, logOf(label, "shadow"), flags),
      ],
    ];
    const runs = new Map<string, Measured[]>();
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [, make] of kinds) {
        for (const [label, root, flags] of roots) {
          const row = await measure(make(label, root, flags), seconds);
          runs.set(row.name, [...(runs.get(row.name) ?? []), row]);
          console.log(
            `  ${row.name}: ${Math.round(row.requestsPerS)} req/s, ${row.processUs.toFixed(1)} µs (load ${loadavg()[0]?.toFixed(2)})`,
          );
        }
      }
    }
    console.log(
      "variant | requests/s | CPU µs/request: main thread | log writer | shadow thread (older trees) | V8 helpers | process | process, every round | RSS MB",
    );
    for (const [name, rows] of runs) {
      const sorted = [...rows].sort((a, b) => a.processUs - b.processUs);
      const row = sorted[Math.floor(sorted.length / 2)] as Measured;
      const every = rows.map((r) => r.processUs.toFixed(0)).join(" / ");
      console.log(
        `${name} | ${Math.round(row.requestsPerS)} | ${row.mainUs.toFixed(1)} | ${row.writerUs.toFixed(1)} | ${row.shadowUs.toFixed(1)} | ${row.v8Us.toFixed(1)} | ${row.processUs.toFixed(1)} | ${every} | ${Math.round(row.rssMb)}`,
      );
    }
    console.log(`load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)}`);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

await main();
