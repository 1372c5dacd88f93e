/**
 * `npm run bench:train`: `sift train` end to end on the dev package, as a child process, with its
 * wall time, CPU time and peak RSS (from /usr/bin/time -v), beside the scikit-learn peer's fit time from the
 * same run on the same machine. Targets: ≤ 20 s wall including model selection, ≤ 1 GB peak.
 * Prints one JSON line and a small table; figures go to bench/RESULTS.md by hand.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const DATA = new URL("../../shared/data/relevance-dev.db.b64.tar.gz", import.meta.url).pathname;
const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;
const PEER = "/work/shared/bench-peers/sklearn_relevance.py";

interface Measured {
  readonly wallS: number;
  /** User + system CPU seconds: steadier than wall time on a shared, loaded machine. */
  readonly cpuS: number;
  readonly peakRssMb: number;
  readonly exit: number | null;
  readonly stdout: string;
}

function timed(command: string, args: readonly string[]): Measured {
  const result = spawnSync("/usr/bin/time", ["-v", command, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(
    result.stderr,
  );
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr);
  const wallS = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : Number.NaN;
  return {
    wallS,
    cpuS: Number(user?.[1] ?? Number.NaN) + Number(system?.[1] ?? Number.NaN),
    peakRssMb: rss ? Number(rss[1]) / 1024 : Number.NaN,
    exit: result.status,
    stdout: result.stdout,
  };
}

if (!fs.existsSync(DATA)) {
  process.stderr.write(`bench:train skipped: ${DATA} is absent\n`);
  process.exit(0);
}

const store = fs.mkdtempSync(path.join(os.tmpdir(), "sift-bench-train-"));
const loadBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
try {
  const sift = timed(process.execPath, [
    CLI,
    "train",
    "--data",
    DATA,
    "--store",
    store,
    "--promote",
    "--json",
  ]);
  const run =
    sift.exit === 0 || sift.exit === 3
      ? (JSON.parse(sift.stdout) as { run: { metrics: { test: Record<string, number> } } })
      : null;
  const peer = fs.existsSync(PEER) ? timed("/usr/bin/python3", [PEER, DATA]) : null;
  const peerOut =
    peer?.exit === 0
      ? (JSON.parse(peer.stdout) as Record<string, { fit_s: number; f1: number; roc_auc: number }>)
      : null;
  const result = {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    loadavg_before: loadBefore,
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
    sift: {
      exit: sift.exit,
      wall_s: Number(sift.wallS.toFixed(2)),
      cpu_s: Number(sift.cpuS.toFixed(2)),
      peak_rss_mb: Number(sift.peakRssMb.toFixed(0)),
      test_f1: run?.run.metrics.test.f1,
      test_roc_auc: run?.run.metrics.test.roc_auc,
    },
    peer: peerOut
      ? {
          wall_s: Number(peer?.wallS.toFixed(2)),
          cpu_s: Number(peer?.cpuS.toFixed(2)),
          peak_rss_mb: Number(peer?.peakRssMb.toFixed(0)),
          wordchar_lr_fit_s: peerOut.wordchar_lr?.fit_s,
          wordchar_lr_f1: peerOut.wordchar_lr?.f1,
          wordchar_lr_roc_auc: peerOut.wordchar_lr?.roc_auc,
        }
      : null,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  const peerFit = result.peer?.wordchar_lr_fit_s;
  process.stdout.write(
    [
      "",
      "                      sift train (end to end)   sklearn peer",
      `wall / fit, s         ${String(result.sift.wall_s).padEnd(26)}${peerFit ?? "n/a"} (fit only; process ${result.peer?.wall_s ?? "n/a"})`,
      `CPU (user+sys), s     ${String(result.sift.cpu_s).padEnd(26)}${result.peer?.cpu_s ?? "n/a"} (process)`,
      `peak RSS, MB          ${String(result.sift.peak_rss_mb).padEnd(26)}${result.peer?.peak_rss_mb ?? "n/a"}`,
      `ratio sift wall / peer fit: ${peerFit ? (result.sift.wall_s / peerFit).toFixed(1) : "n/a"}`,
      `load average (1, 5, 15 min) before ${loadBefore.join(", ")}; after ${result.loadavg.join(", ")}`,
      "",
    ].join("\n"),
  );
} finally {
  fs.rmSync(store, { recursive: true, force: true });
}
