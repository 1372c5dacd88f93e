/**
 * Online-learning benchmark (npm run bench:online [ROWS] [ROUNDS]): the seed's scale test, side by side
 * with ../shared/bench-peers/sklearn_sgd.py. Both sides train on the very same rows:
 * make_classification(n_samples=2.2M, n_features=25, n_informative=10, random_state=0) as float32,
 * regenerated here bit for bit by make-classification.ts (generation is not timed); the first 2M
 * rows are streamed through partialFit in 100k-row chunks until ROWS rows (default 10M) have been
 * seen, one pass per chunk, and accuracy is scored on the last 200k rows, which training never sees.
 * sift's model is SGDClassifier with scikit-learn's defaults and loss log_loss, as the peer's. The two
 * alternate ROUNDS times (default 3); each side's figure is its median round.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { SGDClassifier } from "../src/learn/index.ts";
import { makeClassification } from "./make-classification.ts";

const PYTHON = "/usr/bin/python3";
const PEER = new URL("../../shared/bench-peers/sklearn_sgd.py", import.meta.url).pathname;
const FEATURES = 25;
const BLOCK = 2_000_000;
const CHUNK = 100_000;
const HELD_OUT = 200_000;

interface Figures {
  readonly rows: number;
  readonly seconds: number;
  readonly rows_per_s: number;
  readonly accuracy: number;
}

type Generated = ReturnType<typeof makeClassification>;

function generate(rows: number): Generated {
  const block = Math.min(rows, BLOCK);
  const t0 = performance.now();
  const data = makeClassification({ rows: block + HELD_OUT, features: FEATURES, informative: 10, seed: 0 });
  console.error(
    `generated ${block + HELD_OUT} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`,
  );
  return data;
}

function runSift(rows: number, data: Generated): Figures {
  const block = Math.min(rows, BLOCK);
  const x = data.x.subarray(0, block * FEATURES);
  const y = data.y.subarray(0, block);
  const model = new SGDClassifier({ loss: "log_loss", seed: 0 });
  const start = performance.now();
  let done = 0;
  while (done < rows) {
    for (let i = 0; i < block; i += CHUNK) {
      const n = Math.min(CHUNK, block - i);
      model.partialFit(
        { rows: n, cols: FEATURES, data: x.subarray(i * FEATURES, (i + n) * FEATURES) },
        y.subarray(i, i + n),
      );
    }
    done += block;
  }
  const seconds = (performance.now() - start) / 1000;
  const predicted = model.predict({
    rows: HELD_OUT,
    cols: FEATURES,
    data: data.x.subarray(block * FEATURES),
  });
  const truth = data.y.subarray(block);
  let hits = 0;
  for (let i = 0; i < HELD_OUT; i++) hits += predicted[i] === truth[i] ? 1 : 0;
  return { rows: done, seconds, rows_per_s: Math.round(done / seconds), accuracy: hits / HELD_OUT };
}

function runPeer(rows: number): Figures | string {
  if (!existsSync(PYTHON) || !existsSync(PEER)) return `peer not run: ${PYTHON} or ${PEER} is missing`;
  try {
    const out = execFileSync(PYTHON, [PEER, String(rows)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out.trim().split("\n").pop() ?? "") as Figures;
  } catch (error) {
    return `peer failed: ${(error as Error).message.split("\n")[0]}`;
  }
}

const rows = Number(process.argv[2] ?? 10_000_000);
const rounds = Number(process.argv[3] ?? 3);
if (!Number.isInteger(rows) || rows < CHUNK || !Number.isInteger(rounds) || rounds < 1) {
  console.error("usage: node bench/online.bench.ts [ROWS ≥ 100000] [ROUNDS ≥ 1, default 3]");
  process.exit(2);
}
const loadBefore = loadavg()[0] as number;
const data = generate(rows);
// sift and the peer alternate, `rounds` times: both vary run to run (the peer's rows/s by ±20 %
// between runs here), and alternating exposes them to the same drift in the machine's load. The
// row of each is its median round; every round is printed.
const siftRuns: Figures[] = [];
const peerRuns: Figures[] = [];
let peerProblem: string | null = null;
for (let round = 0; round < rounds; round++) {
  siftRuns.push(runSift(rows, data));
  const peer = runPeer(rows);
  if (typeof peer === "string") peerProblem = peer;
  else peerRuns.push(peer);
}
const median = (runs: readonly Figures[]): Figures | undefined =>
  [...runs].sort((a, b) => a.rows_per_s - b.rows_per_s)[Math.floor(runs.length / 2)];
const sift = median(siftRuns) as Figures;
const peer = median(peerRuns);
const fmt = (n: number) => n.toLocaleString("en-US");
// Shared machines: the 1-minute load average says how much the figures can be trusted.
console.log(
  `load average (1 min): ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`,
);
console.log(
  `online learning: ${fmt(rows)} rows × ${FEATURES} features, partialFit in ${fmt(CHUNK)}-row chunks, one core; median of ${rounds} alternating rounds`,
);
console.log("                      rows/s      seconds   held-out accuracy   every round (rows/s)");
const line = (name: string, f: Figures, runs: readonly Figures[]): string =>
  `${name.padEnd(19)} ${fmt(f.rows_per_s).padStart(10)}  ${f.seconds.toFixed(2).padStart(10)}   ${f.accuracy.toFixed(4).padEnd(18)}  ${runs.map((r) => fmt(r.rows_per_s)).join(", ")}`;
console.log(line("sift SGDClassifier", sift, siftRuns));
if (peer === undefined) {
  console.log(peerProblem ?? "peer not run");
} else {
  console.log(line("sklearn (peer)", peer, peerRuns));
  console.log(
    `ratio: sift/peer rows/s ${(sift.rows_per_s / peer.rows_per_s).toFixed(2)}× (target ≥ 1.5×); ` +
      `accuracy difference ${((sift.accuracy - peer.accuracy) * 100).toFixed(2)} points (target within 1)`,
  );
}
