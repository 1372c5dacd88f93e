/**
 * CPU the prediction log's writer spends per logged row, as the log grows: `LogStore.insert` in
 * batches of 500 (the server's batch size), every request logged as a primary row and a shadow
 * row, sentences distinct (the bench's 2,000 real sentences, numbered). One child process per
 * measurement, trees interleaved (baseline, this tree, …), so the figures compare in one run
 * even on a shared machine: this is the thread that competes with the server and the shadow
 * scorer for the second core.
 *
 *   node bench/log-writer.ts [--baseline <root of another sift checkout>] [--rows 1000000] [--rounds 2]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { sentenceBodies } from "./serve-load.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BATCH = 500;
/** The row counts at which the CPU per row so far is reported. */
const SEGMENTS = 4;

interface Store {
  insert(events: readonly object[]): number;
  setVocabulary(model: string, version: number, tokens: readonly string[]): void;
  close(): void;
}

/** In the child: fills a fresh log at `file` from the tree at `root`, prints µs per row per segment. */
async function child(root: string, file: string, rows: number): Promise<void> {
  const monitor = (await import(pathToFileURL(path.join(root, "src/monitor/index.ts")).href)) as {
    LogStore: new (path: string) => Store;
  };
  const store = new monitor.LogStore(file);
  const sentences = sentenceBodies().map((body) => (JSON.parse(body) as { sentence: string }).sentence);
  const vocabulary = sentences.slice(0, 200).flatMap((s) => s.toLowerCase().split(/\W+/));
  store.setVocabulary("relevance", 1, vocabulary);
  store.setVocabulary("relevance", 2, vocabulary);
  const start = Date.now();
  const segment = rows / SEGMENTS;
  const figures: string[] = [];
  let cpu = 0;
  for (let done = 0; done < rows; ) {
    const batch: object[] = [];
    for (let i = 0; i < BATCH / 2; i++, done += 2) {
      const n = done / 2;
      const sentence = `${sentences[n % sentences.length]} ${n}`;
      const time = start + Math.floor(n / 10);
      const id = `${time.toString(16).padStart(12, "0")}-p-${n}`;
      const common = { time, model: "relevance", score: (n % 97) / 97, latencyMs: 0.4, sentence };
      batch.push({ ...common, id, version: 1, label: "Relevant", route: "primary", variant: "default" });
      batch.push({
        ...common,
        id: `${id}-s`,
        requestId: id,
        version: 2,
        label: "Not Relevant",
        route: "shadow",
        variant: "shadow",
      });
    }
    const before = process.cpuUsage();
    store.insert(batch);
    const used = process.cpuUsage(before);
    cpu += used.user + used.system;
    if (done % segment === 0) figures.push((cpu / done).toFixed(1));
  }
  store.close();
  console.log(figures.join(" "));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      file: { type: "string" },
      baseline: { type: "string" },
      rows: { type: "string", default: "1000000" },
      rounds: { type: "string", default: "2" },
    },
  });
  const rows = Math.ceil(Number(values.rows) / (BATCH * SEGMENTS)) * BATCH * SEGMENTS;
  if (values.child !== undefined) return child(values.child, values.file ?? "", rows);
  const roots: [string, string][] = [["this tree", ROOT]];
  if (values.baseline !== undefined) roots.unshift(["baseline", path.resolve(values.baseline)]);
  const temp = mkdtempSync(path.join(tmpdir(), "sift-log-writer-"));
  const me = fileURLToPath(import.meta.url);
  const segments = Array.from({ length: SEGMENTS }, (_, i) =>
    ((rows / SEGMENTS) * (i + 1)).toLocaleString("en"),
  );
  console.log(`writer CPU µs per row so far, at ${segments.join(" / ")} rows (half primary, half shadow)`);
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [label, root] of roots) {
        const file = path.join(temp, `${label.replace(" ", "-")}-${round}.db`);
        const out = execFileSync(
          process.execPath,
          [me, "--child", root, "--file", file, "--rows", String(rows)],
          { encoding: "utf8" },
        );
        rmSync(file, { force: true });
        console.log(`${label} | ${out.trim().split(" ").join(" | ")} | load ${loadavg()[0]?.toFixed(2)}`);
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

await main();
