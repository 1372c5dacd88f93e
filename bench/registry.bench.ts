/**
 * `node bench/registry.bench.ts`: what the registry's safety costs. For an artifact the size of a
 * large sift model (SIFT_BENCH_MB of weights, default 8, plus a 1 MB vocabulary):
 *   register (stage, fsync, allocate under BEGIN IMMEDIATE, rename, index)  vs  writing the same
 *     files with fsync into a fresh dir and renaming it (the least an atomic write can do);
 *   load (read + sha256 of every file + manifest digest)  vs  reading the same files;
 *   export/import as .tgz (gzip level 6); revision() polling cost (a server calls it every 250 ms).
 * Medians of SIFT_BENCH_REPS runs (default 7).
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { type ArtifactDraft, openRegistry, packArtifact, unpackArtifact } from "../src/registry/index.ts";

const MB = Number(process.env.SIFT_BENCH_MB ?? 8);
const REPS = Number(process.env.SIFT_BENCH_REPS ?? 7);

function draft(): ArtifactDraft {
  return {
    manifest: {
      createdAt: "2025-01-01T00:00:00.000Z",
      labels: { positive: "Relevant", negative: "Not Relevant" },
      threshold: 0.5,
      classifier: { kind: "bench", params: {} },
      metrics: { validation: { f1: 0.8 }, test: { f1: 0.8 } },
      dataFingerprint: "0".repeat(64),
      trainingConfig: {},
      codeVersion: null,
      reference: null,
      runId: null,
    },
    files: { "weights.bin": randomBytes(MB * 2 ** 20), "vocab.json": randomBytes(2 ** 20) },
  };
}

async function median(run: () => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function baselineWrite(root: string, files: Readonly<Record<string, Uint8Array>>, n: number): void {
  const staging = path.join(root, `base-stage-${n}`);
  fs.mkdirSync(staging);
  for (const [name, bytes] of Object.entries(files)) {
    const fd = fs.openSync(path.join(staging, name), "wx");
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  fs.renameSync(staging, path.join(root, `base-${n}`));
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sift-registry-bench-"));
try {
  const registry = openRegistry(path.join(dir, "store"));
  const d = draft();
  let n = 0;
  const baseWrite = await median(() => baselineWrite(dir, d.files, n++));
  const register = await median(() => registry.register("bench", d));
  const baseRead = await median(() => {
    for (const name of Object.keys(d.files)) fs.readFileSync(path.join(dir, "base-0", name));
  });
  const baseVerify = await median(() => {
    for (const name of Object.keys(d.files)) {
      createHash("sha256")
        .update(fs.readFileSync(path.join(dir, "base-0", name)))
        .digest("hex");
    }
  });
  const load = await median(() => registry.load("bench", 1));
  const loaded = await registry.load("bench", 1);
  let tgz: Uint8Array = new Uint8Array();
  const pack = await median(async () => {
    tgz = await packArtifact(loaded);
  });
  const unpack = await median(() => unpackArtifact(tgz, "bench.tgz"));
  await registry.promote("bench", 1);
  const polls = 20_000;
  const pollStart = performance.now();
  for (let i = 0; i < polls; i++) await registry.revision();
  const pollUs = ((performance.now() - pollStart) / polls) * 1000;
  registry.close();
  const row = (what: string, ours: number, base: number | null, baseName: string) =>
    `| ${what} | ${ours.toFixed(1)} ms | ${base === null ? "-" : `${base.toFixed(1)} ms`} | ${base === null ? "-" : `${(ours / base).toFixed(2)}×`} | ${baseName} |`;
  const lines = [
    `artifact: ${MB} MB weights + 1 MB vocabulary; medians of ${REPS}; load avg ${os.loadavg()[0]?.toFixed(1)}`,
    "| operation | sift | baseline | ratio | baseline is |",
    "|---|---|---|---|---|",
    row("register", register, baseWrite, "write files + fsync + rename"),
    row("load (verified)", load, baseRead, "read the files"),
    row("load (verified)", load, baseVerify, "read + sha256 the files (the floor)"),
    row("export .tgz (pack + gzip -6)", pack, null, ""),
    row("import .tgz (gunzip + verify)", unpack, null, ""),
    `| revision() poll | ${pollUs.toFixed(1)} µs | - | - | one indexed SELECT |`,
    `tgz size: ${(tgz.byteLength / 2 ** 20).toFixed(2)} MB (random bytes do not compress)`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
