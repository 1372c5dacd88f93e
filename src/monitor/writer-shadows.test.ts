/**
 * Shadow scoring in the prediction log's writer thread, through a real PredictionLog (worker
 * thread, SQLite file): the scorer modules are small ES modules given as data: URLs, the way the
 * server gives the writer its registry-backed one.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, test } from "node:test";
import { type PredictionEvent, PredictionLog, type ShadowCounts } from "./index.ts";

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "sift-writer-shadows-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A scorer module whose `score` runs `body` (sentences, now in scope) after `prepare` resolves. */
function scorerModule(body: string, prepare = ""): string {
  const source = `let n = 0;
export function createShadowScorer(store) {
  return {
    async prepare(name, version) { ${prepare} },
    score(name, version, sentences, now) { ${body} },
  };
}`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}

/** Scores "fire" sentences 0.9 (Relevant), the rest 0.1; ids count up. */
const FIRE = `const scores = sentences.map((s) => (s.includes("fire") ? 0.9 : 0.1));
return { scores, labels: scores.map((p) => (p >= 0.5 ? "Relevant" : "Not Relevant")),
  ids: sentences.map(() => "shadow-" + n++) };`;

function primary(i: number, shadows: string): PredictionEvent {
  return {
    id: `p${i}`,
    time: Date.now(),
    model: "relevance",
    version: 1,
    score: 0.5,
    label: "Relevant",
    latencyMs: 1,
    route: "primary",
    variant: "default",
    sentence: i % 2 === 0 ? `a fire near town ${i}` : `a quiet day ${i}`,
    shadows,
  };
}

interface LoggedRow {
  id: string;
  request_id: string;
  version: number;
  route: string;
  score: number;
  label: string;
}

function rows(file: string): LoggedRow[] {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const all = db.prepare(
      "SELECT id, request_id, version, route, score, label FROM predictions ORDER BY rowid",
    );
    return all.all() as unknown as LoggedRow[];
  } finally {
    db.close();
  }
}

async function openLog(name: string, scorerUrl: string, counts: ShadowCounts[], slowMsPerSentence?: number) {
  const file = join(dir, `${name}.db`);
  const log = await PredictionLog.open(
    {
      path: file,
      flushIntervalMs: 60_000,
      shadows: { scorerUrl, store: dir, ...(slowMsPerSentence === undefined ? {} : { slowMsPerSentence }) },
    },
    { onShadows: (c) => counts.push(c) },
  );
  return { file, log };
}

const total = (counts: readonly ShadowCounts[], key: "scored" | "failed" | "skipped" | "benched") =>
  counts.reduce((sum, c) => sum + c[key], 0);

test("a prepared shadow scores every primary row in the writer, logged under the primary's id", async () => {
  const counts: ShadowCounts[] = [];
  const { file, log } = await openLog("ok", scorerModule(FIRE), counts);
  await log.prepareShadow("relevance", 2);
  for (let i = 0; i < 40; i++) log.enqueue(primary(i, i < 30 ? "relevance@2" : ""));
  await log.drain();
  await log.close();
  const logged = rows(file);
  const shadows = logged.filter((r) => r.route === "shadow");
  assert.equal(logged.filter((r) => r.route === "primary").length, 40);
  assert.equal(shadows.length, 30, "rows without shadows get none");
  assert.deepEqual(
    shadows.map((r) => r.request_id),
    Array.from({ length: 30 }, (_, i) => `p${i}`),
  );
  assert.ok(shadows.every((r) => r.version === 2));
  assert.deepEqual(
    shadows.slice(0, 2).map((r) => [r.score, r.label]),
    [
      [0.9, "Relevant"],
      [0.1, "Not Relevant"],
    ],
  );
  assert.equal(total(counts, "scored"), 30);
  assert.equal(total(counts, "skipped") + total(counts, "failed"), 0);
});

test("rows for a version not prepared yet are skipped and counted while it loads", async () => {
  const counts: ShadowCounts[] = [];
  const { file, log } = await openLog("unprepared", scorerModule(FIRE), counts);
  for (let i = 0; i < 10; i++) log.enqueue(primary(i, "relevance@3"));
  await log.drain();
  await log.close();
  // The first batch finds no scorer loaded: it is skipped whole, the primary rows are kept.
  assert.equal(rows(file).filter((r) => r.route === "primary").length, 10);
  assert.equal(total(counts, "skipped") + total(counts, "scored"), 10);
  assert.ok(total(counts, "skipped") >= 1);
});

test("a shadow that throws costs only its own rows: every primary row is written, failures counted", async () => {
  const counts: ShadowCounts[] = [];
  const { file, log } = await openLog("throws", scorerModule(`throw new Error("broken shadow");`), counts);
  await log.prepareShadow("relevance", 2);
  for (let i = 0; i < 25; i++) log.enqueue(primary(i, "relevance@2"));
  await log.drain();
  for (let i = 25; i < 50; i++) log.enqueue(primary(i, "relevance@2"));
  await log.drain();
  await log.close();
  const logged = rows(file);
  assert.equal(logged.filter((r) => r.route === "primary").length, 50);
  assert.equal(logged.filter((r) => r.route === "shadow").length, 0);
  assert.equal(total(counts, "failed"), 50);
  assert.match(counts.flatMap((c) => c.errors).join("\n"), /relevance@2: Error: broken shadow/);
});

test("a slow shadow is benched after one slow batch; primary rows keep being written", async () => {
  const counts: ShadowCounts[] = [];
  // 80 ms of busy work a call for 2 sentences: 40 ms a sentence, over the 5 ms and 50 ms limits.
  const slow = `const until = Date.now() + 80; while (Date.now() < until) {} ${FIRE}`;
  const { file, log } = await openLog("slow", scorerModule(slow), counts, 5);
  await log.prepareShadow("relevance", 2);
  log.enqueue(primary(0, "relevance@2"));
  log.enqueue(primary(1, "relevance@2"));
  await log.drain();
  for (let i = 2; i < 30; i++) log.enqueue(primary(i, "relevance@2"));
  await log.drain();
  await log.close();
  const logged = rows(file);
  assert.equal(logged.filter((r) => r.route === "primary").length, 30);
  assert.equal(logged.filter((r) => r.route === "shadow").length, 2, "the slow batch's rows are kept");
  assert.equal(total(counts, "benched"), 1);
  assert.equal(total(counts, "skipped"), 28);
  assert.match(counts.flatMap((c) => c.errors).join("\n"), /relevance@2: .* ms a sentence; benched/);
});

test("one short call slowed by a pause does not bench a healthy version", async () => {
  const counts: ShadowCounts[] = [];
  // The first call pauses 20 ms for its one sentence: slow a sentence, but short in all.
  const once = `if (n === 0) { const until = Date.now() + 20; while (Date.now() < until) {} } ${FIRE}`;
  const { file, log } = await openLog("pause", scorerModule(once), counts, 5);
  await log.prepareShadow("relevance", 2);
  log.enqueue(primary(0, "relevance@2"));
  await log.drain();
  for (let i = 1; i < 20; i++) log.enqueue(primary(i, "relevance@2"));
  await log.drain();
  await log.close();
  assert.equal(rows(file).filter((r) => r.route === "shadow").length, 20);
  assert.equal(total(counts, "benched"), 0);
  assert.equal(total(counts, "scored"), 20);
});

test("preparing a version the scorer cannot load rejects, and a log without a scorer refuses", async () => {
  const counts: ShadowCounts[] = [];
  const { log } = await openLog("refuses", scorerModule(FIRE, `throw new Error("no such version");`), counts);
  await assert.rejects(log.prepareShadow("relevance", 9), /no such version/);
  await log.close();
  const plain = await PredictionLog.open({ path: join(dir, "plain.db") });
  await assert.rejects(plain.prepareShadow("relevance", 2), /scores no shadows/);
  await plain.close();
});

test("a scorer module that cannot be loaded: prepare rejects, rows skip their shadows, the log keeps its own", async () => {
  const counts: ShadowCounts[] = [];
  const missing = new URL("./no-such-scorer.ts", import.meta.url).href;
  const { file, log } = await openLog("no-module", missing, counts);
  await assert.rejects(log.prepareShadow("relevance", 2), /shadow scorer module could not be loaded/);
  for (let i = 0; i < 10; i++) log.enqueue(primary(i, "relevance@2"));
  await log.drain();
  await log.close();
  assert.equal(rows(file).filter((r) => r.route === "primary").length, 10);
  assert.equal(rows(file).filter((r) => r.route === "shadow").length, 0);
  assert.equal(total(counts, "skipped"), 10);
  assert.match(counts.flatMap((c) => c.errors).join("\n"), /shadow scorer: .*no-such-scorer/);
});
