/**
 * Batch scoring before/after in one process (node bench/predict-ab.ts BASELINE_DIR [PAIRS]):
 * fits the default model once with this checkout (split of bench:predict, seed 40), loads the
 * saved files into this checkout's classifier and into BASELINE_DIR's (e.g. a `git worktree` of
 * an older commit), then scores the test part with each in turn, A B A B …, timing each pass
 * in CPU time. Adjacent passes share the machine's load, so the median of their ratio is steadier
 * than two separate runs of bench:predict on a shared machine. Also checks that both give the
 * same probabilities bit for bit.
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import {
  defaultClassifierSpec,
  fitClassifier,
  loadClassifier,
  type TextClassifier,
} from "../src/learn/index.ts";
import { hasSklearn, pick, pickY, readRelevanceRows, siftSplit, sklearnSplit } from "./relevance-data.ts";

const baseline = process.argv[2];
const pairs = Number(process.argv[3] ?? 60);
if (baseline === undefined || !Number.isInteger(pairs) || pairs < 1) {
  console.error("usage: node bench/predict-ab.ts BASELINE_DIR [PAIRS]");
  process.exit(2);
}
const baseLearn = (await import(resolve(baseline, "src/learn/index.ts"))) as {
  loadClassifier: typeof loadClassifier;
};

const rows = await readRelevanceRows();
const split = hasSklearn() ? sklearnSplit(rows.y, 40) : siftSplit(rows.y, 40);
const test = pick(rows.texts, split.test);
const saved = fitClassifier(
  defaultClassifierSpec(),
  pick(rows.texts, split.train),
  pickY(rows.y, split.train),
  {
    seed: 40,
  },
).save();
const before = baseLearn.loadClassifier(saved);
const after = loadClassifier(saved);

function cpuPerSentence(model: TextClassifier): number {
  const c0 = process.cpuUsage();
  model.predictProba(test);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / test.length;
}

for (let r = 0; r < 3; r++) {
  before.predictProba(test);
  after.predictProba(test);
}
const pb = before.predictProba(test);
const pa = after.predictProba(test);
let differ = 0;
for (let i = 0; i < pa.length; i++) differ += Object.is(pa[i], pb[i]) ? 0 : 1;

const load0 = loadavg()[0] as number;
const tb: number[] = [];
const ta: number[] = [];
const ratio: number[] = [];
for (let k = 0; k < pairs; k++) {
  // Alternate which goes first, so neither always runs right after the other's garbage.
  const b1 = k % 2 === 0 ? cpuPerSentence(before) : 0;
  const a = cpuPerSentence(after);
  const b = k % 2 === 0 ? b1 : cpuPerSentence(before);
  tb.push(b);
  ta.push(a);
  ratio.push(b / a);
}
const median = (v: number[]): number => [...v].sort((x, y) => x - y)[v.length >> 1] as number;
console.log(`test ${test.length} sentences, ${pairs} pairs, probabilities differing: ${differ}`);
console.log(
  `baseline ${median(tb).toFixed(2)} µs CPU/sentence (${(1e6 / median(tb)).toFixed(0)}/CPU-s) · this checkout ${median(ta).toFixed(2)} µs (${(1e6 / median(ta)).toFixed(0)}/CPU-s) · median speed-up ${median(ratio).toFixed(3)}×`,
);
console.log(`load average (1 min) ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}`);
