/**
 * Speed and memory benchmark (npm run bench:predict): fit time of the default model on the 80%
 * split (random_state 40), single-sentence and batch scoring (featurise + predict, one process),
 * model size and peak memory — side by side with the scikit-learn peer's best line from the same
 * run when /usr/bin/python3 has scikit-learn. Ratios matter, not absolute times: machines are shared.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { defaultClassifierSpec, fitClassifier, loadClassifier } from "../src/learn/index.ts";
import {
  DATA_PATH,
  hasSklearn,
  PEERS_DIR,
  PYTHON,
  pick,
  pickY,
  readRelevanceRows,
  siftSplit,
  sklearnSplit,
} from "./relevance-data.ts";

interface PeerBest {
  readonly fit_s: number;
  readonly batch_sentences_per_s: number;
  readonly single_ms: number;
}

function peer(): PeerBest | null {
  try {
    const out = execFileSync(PYTHON, [`${PEERS_DIR}sklearn_relevance.py`, DATA_PATH], {
      encoding: "utf8",
      cwd: PEERS_DIR,
    });
    return (JSON.parse(out) as { wordchar_lr: PeerBest }).wordchar_lr;
  } catch {
    return null;
  }
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function main(): Promise<void> {
  if (!existsSync(DATA_PATH)) {
    console.log(`skipped: ${DATA_PATH} is absent`);
    return;
  }
  const rows = await readRelevanceRows();
  const split = hasSklearn() ? sklearnSplit(rows.y, 40) : siftSplit(rows.y, 40);
  const train = pick(rows.texts, split.train);
  const test = pick(rows.texts, split.test);
  const rssBefore = process.memoryUsage().rss;

  const t0 = performance.now();
  const model = fitClassifier(defaultClassifierSpec(), train, pickY(rows.y, split.train), { seed: 40 });
  const fitS = (performance.now() - t0) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  // Scoring is timed on the model as a server holds it: saved, then loaded from its files. The
  // fitted object scores the same, but in a heap fitting has just filled, which a server never has
  // (batch scoring measured ~40% slower right after the fit than after a full GC).
  const saved = model.save();
  const served = loadClassifier(saved);
  // Warm up the JIT, then time one sentence at a time.
  for (let r = 0; r < 3; r++) served.predictProba(test);
  const single = new Float64Array(test.length);
  for (let i = 0; i < test.length; i++) {
    const t = process.hrtime.bigint();
    served.predictProba([test[i] as string]);
    single[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  single.sort();

  const rounds = 10;
  const cpu0 = process.cpuUsage();
  const tb = performance.now();
  for (let r = 0; r < rounds; r++) served.predictProba(test);
  const batchPerS = (rounds * test.length) / ((performance.now() - tb) / 1000);
  // On a shared machine wall time includes waiting for a core; CPU time is what the work costs.
  const cpu = process.cpuUsage(cpu0);
  const batchPerCpuS = (rounds * test.length) / ((cpu.user + cpu.system) / 1e6);
  const singleMean = single.reduce((a, b) => a + b, 0) / single.length;

  const sizeMb = Object.values(saved.files).reduce((s, f) => s + f.length, 0) / 1e6;
  const p = hasSklearn() ? peer() : null;

  console.log(`split: ${split.source}, train ${train.length}, test ${test.length}`);
  console.log("metric                        | sift        | peer (wordchar_lr) | ratio");
  const line = (name: string, ours: string, theirs: string, ratio: string): void => {
    console.log(`${name.padEnd(29)} | ${ours.padEnd(11)} | ${theirs.padEnd(18)} | ${ratio}`);
  };
  line(
    "fit default model (s)",
    fitS.toFixed(2),
    p ? p.fit_s.toFixed(2) : "n/a",
    p ? `${(fitS / p.fit_s).toFixed(2)}× time` : "",
  );
  line(
    "single sentence p50 (µs)",
    percentile(single, 0.5).toFixed(1),
    p ? (p.single_ms * 1000).toFixed(0) : "n/a",
    p ? `${((p.single_ms * 1000) / percentile(single, 0.5)).toFixed(0)}× faster` : "",
  );
  line("single sentence p99 (µs)", percentile(single, 0.99).toFixed(1), "", "");
  line(
    "batch (sentences/s)",
    batchPerS.toFixed(0),
    p ? String(p.batch_sentences_per_s) : "n/a",
    p ? `${(batchPerS / p.batch_sentences_per_s).toFixed(1)}× faster` : "",
  );
  line("batch, per CPU-second", batchPerCpuS.toFixed(0), "", "(work cost, without waits for a core)");
  line(
    "single, sentences/s (1/mean)",
    (1e6 / singleMean).toFixed(0),
    "",
    `batch is ${(batchPerS / (1e6 / singleMean)).toFixed(1)}× single`,
  );
  line("model size (MB)", sizeMb.toFixed(2), "", "");
  line(
    "peak RSS during fit (MB)",
    peakRssMb.toFixed(0),
    "",
    `(RSS before fit ${(rssBefore / 1e6).toFixed(0)} MB)`,
  );
}

await main();
