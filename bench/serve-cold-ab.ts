/**
 * Cold start, this checkout's start bundle against a baseline checkout's, interleaved in one run
 * (A, B, A, B …): spawn → /readyz 200 (wall), the CPU time the server had used by then (all
 * threads, and its main thread alone: the start's critical path is the main thread's work), plus
 * the server's RSS once ready. The machine is shared, so compare the CPU medians first.
 *
 *   node bench/serve-cold-ab.ts <store> <baseline checkout> [rounds]
 *
 * Both bundles must be built (`npm run bundle` in each checkout); the compile cache of each is
 * warmed by one uncounted start.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { median, memoryMb, type ServerVariant, siftServeArgs, startServer } from "./serve-processes.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const [store, baseline, roundsText] = process.argv.slice(2);
if (store === undefined || baseline === undefined) {
  console.error("usage: node bench/serve-cold-ab.ts <store> <baseline checkout> [rounds]");
  process.exit(2);
}
const rounds = Number(roundsText ?? "8");
const cacheRoot = await mkdtemp(path.join(tmpdir(), "sift-cold-ab-"));

function variant(name: string, checkout: string): ServerVariant {
  return {
    name,
    command: process.execPath,
    args: siftServeArgs(path.join(checkout, "dist/bundle/sift.mjs"), store as string),
    env: { NODE_COMPILE_CACHE: path.join(cacheRoot, name) },
    predictPath: "/v1/predict",
    ready: { path: "/readyz", method: "GET" },
  };
}

const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU ms of a process's main thread (its thread id is the process id). */
function mainThreadCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

const variants = [variant("baseline", baseline), variant("this checkout", ROOT)];
const figures = variants.map(() => ({
  wall: [] as number[],
  cpu: [] as number[],
  main: [] as number[],
  rss: [] as number[],
}));
for (const v of variants) await (await startServer(v)).stop();
for (let round = 0; round < rounds; round++) {
  for (const [i, v] of variants.entries()) {
    const server = await startServer(v);
    const f = figures[i] as (typeof figures)[number];
    f.wall.push(server.readyMs);
    f.cpu.push(server.readyCpuMs);
    f.main.push(mainThreadCpuMs(server.child.pid as number));
    f.rss.push(memoryMb(server.child.pid as number).rss);
    await server.stop();
  }
}
const fmt = (n: number) => n.toFixed(0);
console.log(`load average ${(loadavg()[0] ?? 0).toFixed(2)} (1 min) on 2 cores; ${rounds} rounds`);
for (const [i, v] of variants.entries()) {
  const f = figures[i] as (typeof figures)[number];
  console.log(
    `${v.name.padEnd(14)} wall ${fmt(median(f.wall))} ms [${f.wall.map(fmt).join(", ")}]  CPU ${fmt(median(f.cpu))} ms (main thread ${fmt(median(f.main))} [${f.main.map(fmt).join(", ")}])  RSS at ready ${fmt(median(f.rss))} MB`,
  );
}
