/**
 * The quick-start sample: the package in samples/ is the readable JSONL beside it, packed; it is
 * large enough that the default gates judge a model on a test split of real size, shows every kind
 * of dirt the cleaning report knows, and its sentences are its own (no templates, nothing taken
 * from the shared data set).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { type CleanRow, NOT_RELEVANT, prepareData, RELEVANT, splitRows } from "../src/data/index.ts";

const jsonl = new URL("../samples/relevance-sample.jsonl", import.meta.url).pathname;
const pkg = new URL("../samples/relevance-sample.b64.tar.gz", import.meta.url).pathname;
const devPackage = new URL("../../shared/data/relevance-dev.db.b64.tar.gz", import.meta.url).pathname;

const sample = prepareData(pkg);

/** Words of a normalised key, without the few that say nothing about a sentence. */
const FILLER = new Set(["a", "an", "the", "and", "of", "to", "in", "on", "at", "is", "it", "i", "my", "for"]);
function words(key: string): Set<string> {
  return new Set(key.split(" ").filter((w) => w !== "" && !FILLER.has(w)));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Runs of `n` consecutive words of a normalised key. */
function shingles(key: string, n: number): string[] {
  const w = key.split(" ");
  const out: string[] = [];
  for (let i = 0; i + n <= w.length; i++) out.push(w.slice(i, i + n).join(" "));
  return out;
}

test("the sample package holds exactly the JSONL's rows (rebuild with scripts/build-sample.ts)", async () => {
  const [fromJsonl, fromPackage] = await Promise.all([prepareData(jsonl), sample]);
  assert.equal(fromPackage.fingerprint, fromJsonl.fingerprint);
  assert.deepEqual(fromPackage.validation.labelCounts, fromJsonl.validation.labelCounts);
});

test("the sample has both classes, about 40% Relevant, and at least 900 clean rows", async () => {
  const { rows, report } = await sample;
  assert.ok(rows.length >= 900, `${rows.length} rows`);
  const relevant = report.labelCounts[RELEVANT] ?? 0;
  assert.ok((report.labelCounts[NOT_RELEVANT] ?? 0) > 0);
  const share = relevant / rows.length;
  assert.ok(share > 0.37 && share < 0.44, `Relevant share ${share}`);
});

test("the default split leaves a test part large enough to gate on (≥ 140 rows, ≥ 55 Relevant)", async () => {
  const { rows } = await sample;
  for (const seed of [1, 2, 3]) {
    const { test: part } = splitRows(rows, { seed });
    const relevant = part.filter((row) => row.label === RELEVANT).length;
    assert.ok(
      part.length >= 140 && relevant >= 55,
      `seed ${seed}: ${part.length} rows, ${relevant} Relevant`,
    );
  }
});

test("cleaning the sample has something to show at every kind of dirt", async () => {
  const { report } = await sample;
  const counts = Object.assign({}, ...report.steps.map((step) => step.counts)) as Record<string, number>;
  for (const reason of [
    "mojibake-repaired",
    "entities-decoded",
    "urls-token",
    "mentions-token",
    "hashtags-word",
    "label-respelled",
    "cant-decide-excluded",
    "duplicate-collapsed",
  ]) {
    assert.ok((counts[reason] ?? 0) > 0, `no ${reason} in ${JSON.stringify(counts)}`);
  }
  assert.ok(report.undecided >= 2 && report.undecided <= 10, `${report.undecided} Can't Decide`);
});

test("no two sample sentences are near-copies of each other (the model must generalise, not memorise)", async () => {
  const { rows } = await sample;
  const sets = rows.map((row) => words(row.key));
  const close: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < i; j++) {
      if (jaccard(sets[i] as Set<string>, sets[j] as Set<string>) >= 0.5) {
        close.push(`${(rows[i] as CleanRow).text} ~ ${(rows[j] as CleanRow).text}`);
      }
    }
  }
  assert.deepEqual(close, []);
});

describe("the sample and the shared data set", {
  skip: existsSync(devPackage) ? false : `the shared data set is not at ${devPackage}`,
}, () => {
  // Six words: shorter runs are everyday English ("for the first time in"); a copied tweet keeps six.
  test("no sample sentence shares a run of six words with a sentence of the shared data set", async () => {
    const [{ rows }, dev] = await Promise.all([sample, prepareData(devPackage, { keepRawRows: false })]);
    const devShingles = new Set(dev.rows.flatMap((row) => shingles(row.key, 6)));
    const shared = rows.filter((row) => shingles(row.key, 6).some((s) => devShingles.has(s)));
    assert.deepEqual(
      shared.map((row) => row.text),
      [],
    );
  });
});
