/**
 * Server memory after load, start bundles side by side and interleaved (A, B, C, A, B, C …) so
 * every variant sees the same neighbours: bench:serve's sequence (predict load, then the batch
 * endpoint) on each, then VmRSS and its peak. Each variant is a checkout's bundle plus node flags.
 *
 *   node bench/serve-memory-ab.ts <store> <variant> [<variant> …] [--rounds 3] [--seconds 6]
 *   variant = <checkout root>[::<node flag>,…[::<ENV>=<value>,…]], e.g. /tmp/base  .::--optimize-for-size
 */
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadSentences, sentenceBodies, withAutocannon } from "./serve-load.ts";
import {
  cpuMs,
  median,
  memoryMb,
  type ServerVariant,
  siftServeArgs,
  startServer,
} from "./serve-processes.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: "string", default: "3" }, seconds: { type: "string", default: "6" } },
});
const [store, ...specs] = positionals;
if (store === undefined || specs.length === 0) {
  console.error(
    "usage: node bench/serve-memory-ab.ts <store> <checkout>[::flags] … [--rounds n] [--seconds s]",
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);

function variant(spec: string): ServerVariant {
  const [root = ".", flags = "", env = ""] = spec.split("::");
  return {
    name: spec,
    env: Object.fromEntries(
      env
        .split(",")
        .filter(Boolean)
        .map((pair) => pair.split("=") as [string, string]),
    ),
    command: process.execPath,
    args: [
      ...flags.split(",").filter(Boolean),
      ...siftServeArgs(path.resolve(root, "dist/bundle/sift.mjs"), store as string),
    ],
    predictPath: "/v1/predict",
    ready: { path: "/readyz", method: "GET" },
  };
}

const sentences = sentenceBodies().map((line) => (JSON.parse(line) as { sentence: string }).sentence);
const batchBodies: string[] = [];
for (let start = 0; start < sentences.length; start += 250)
  batchBodies.push(
    JSON.stringify({
      sentences: Array.from({ length: 1000 }, (_, i) => sentences[(start + i) % sentences.length]),
    }),
  );

interface Figures {
  rss: number[];
  peak: number[];
  requestsPerS: number[];
  p99Ms: number[];
  batchPerS: number[];
  /** Server CPU (all threads) per request and per batch sentence, in µs. */
  cpuPerRequest: number[];
  cpuPerSentence: number[];
}
const variants = specs.map(variant);
const figures: Figures[] = variants.map(() => ({
  rss: [],
  peak: [],
  requestsPerS: [],
  p99Ms: [],
  batchPerS: [],
  cpuPerRequest: [],
  cpuPerSentence: [],
}));
for (let round = 0; round < rounds; round++) {
  for (const [i, v] of variants.entries()) {
    const server = await startServer(v);
    try {
      const f = figures[i] as Figures;
      const url = `${server.baseUrl}/v1/predict`;
      await loadSentences(url, { connections: 32, seconds: 2 });
      const pid = server.child.pid as number;
      let cpu = cpuMs(pid);
      const predict = await loadSentences(url, { connections: 32, seconds });
      f.requestsPerS.push(predict.requestsPerS);
      f.p99Ms.push(predict.p99Ms);
      f.cpuPerRequest.push(((cpuMs(pid) - cpu) * 1000) / (predict.requestsPerS * seconds));
      const batchUrl = `${server.baseUrl}/v1/predict/batch`;
      await withAutocannon(batchUrl, { connections: 2, seconds: 2 }, batchBodies);
      cpu = cpuMs(pid);
      const { result } = await withAutocannon(batchUrl, { connections: 2, seconds }, batchBodies);
      f.batchPerS.push((result["2xx"] * 1000) / result.duration);
      f.cpuPerSentence.push(((cpuMs(pid) - cpu) * 1000) / (result["2xx"] * 1000));
      const memory = memoryMb(server.child.pid as number);
      f.rss.push(memory.rss);
      f.peak.push(memory.peak);
    } finally {
      await server.stop();
    }
  }
}
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
console.log(
  `load average ${(loadavg()[0] ?? 0).toFixed(2)} (1 min) on 2 cores; ${rounds} rounds of ${seconds} s`,
);
for (const [i, v] of variants.entries()) {
  const f = figures[i] as Figures;
  console.log(
    `${v.name}\n  RSS after load ${median(f.rss).toFixed(0)} MB [${list(f.rss)}], peak ${median(f.peak).toFixed(0)} [${list(f.peak)}]; predict ${median(f.requestsPerS).toFixed(0)}/s [${list(f.requestsPerS)}] p99 ${median(f.p99Ms).toFixed(1)} ms [${f.p99Ms.map((x) => x.toFixed(1)).join(", ")}], batch ${median(f.batchPerS).toFixed(0)} sentences/s [${list(f.batchPerS)}]\n  CPU per request ${median(f.cpuPerRequest).toFixed(0)} µs [${list(f.cpuPerRequest)}], per batch sentence ${median(f.cpuPerSentence).toFixed(1)} µs [${f.cpuPerSentence.map((x) => x.toFixed(1)).join(", ")}]`,
  );
}
