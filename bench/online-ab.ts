/**
 * SGDClassifier.partialFit before/after in one process (node bench/online-ab.ts BASELINE_DIR
 * [PAIRS]): the rows of bench:online (make_classification, 25 features, 2M training rows in
 * 100k-row chunks, accuracy on the next 200k), trained from scratch by BASELINE_DIR's classifier
 * (e.g. a `git worktree` of an older commit) and by this checkout's in turn, A B A B …, each pass
 * timed in CPU time. The median of adjacent ratios is steadier on a shared machine than
 * bench:online's one run of each side after the other.
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { SGDClassifier } from "../src/learn/index.ts";
import { makeClassification } from "./make-classification.ts";

const baseline = process.argv[2];
const pairs = Number(process.argv[3] ?? 6);
if (baseline === undefined || !Number.isInteger(pairs) || pairs < 1) {
  console.error("usage: node bench/online-ab.ts BASELINE_DIR [PAIRS]");
  process.exit(2);
}
const Before = (
  (await import(resolve(baseline, "src/learn/index.ts"))) as { SGDClassifier: typeof SGDClassifier }
).SGDClassifier;

const FEATURES = 25;
const BLOCK = 2_000_000;
const CHUNK = 100_000;
const HELD_OUT = 200_000;
const data = makeClassification({ rows: BLOCK + HELD_OUT, features: FEATURES, informative: 10, seed: 0 });

/** CPU ns per row for one pass over the block, and held-out accuracy. */
function train(Model: typeof SGDClassifier): { nsPerRow: number; accuracy: number } {
  const model = new Model({ loss: "log_loss", seed: 0 });
  const c0 = process.cpuUsage();
  for (let i = 0; i < BLOCK; i += CHUNK) {
    model.partialFit(
      { rows: CHUNK, cols: FEATURES, data: data.x.subarray(i * FEATURES, (i + CHUNK) * FEATURES) },
      data.y.subarray(i, i + CHUNK),
    );
  }
  const c = process.cpuUsage(c0);
  const predicted = model.predict({
    rows: HELD_OUT,
    cols: FEATURES,
    data: data.x.subarray(BLOCK * FEATURES),
  });
  let hits = 0;
  for (let i = 0; i < HELD_OUT; i++) hits += predicted[i] === data.y[BLOCK + i] ? 1 : 0;
  return { nsPerRow: ((c.user + c.system) * 1000) / BLOCK, accuracy: hits / HELD_OUT };
}

train(Before);
train(SGDClassifier);
const load0 = loadavg()[0] as number;
const tb: number[] = [];
const ta: number[] = [];
const ratio: number[] = [];
let accuracy = { before: 0, after: 0 };
for (let k = 0; k < pairs; k++) {
  const b = train(Before);
  const a = train(SGDClassifier);
  tb.push(b.nsPerRow);
  ta.push(a.nsPerRow);
  ratio.push(b.nsPerRow / a.nsPerRow);
  accuracy = { before: b.accuracy, after: a.accuracy };
}
const median = (v: number[]): number => [...v].sort((x, y) => x - y)[v.length >> 1] as number;
const mRows = (ns: number): string => (1e3 / ns).toFixed(2);
console.log(
  `baseline ${median(tb).toFixed(0)} ns CPU/row (${mRows(median(tb))} M rows/CPU-s, accuracy ${accuracy.before.toFixed(4)}) · ` +
    `this checkout ${median(ta).toFixed(0)} ns (${mRows(median(ta))} M, accuracy ${accuracy.after.toFixed(4)}) · ` +
    `median speed-up ${median(ratio).toFixed(3)}× over ${pairs} pairs`,
);
console.log(`load average (1 min) ${load0.toFixed(2)} → ${(loadavg()[0] as number).toFixed(2)}`);
