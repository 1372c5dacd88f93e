/** The quick-start sample: the package in samples/ is the readable JSONL beside it, packed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { NOT_RELEVANT, prepareData, RELEVANT } from "../src/data/index.ts";

const jsonl = new URL("../samples/relevance-sample.jsonl", import.meta.url).pathname;
const pkg = new URL("../samples/relevance-sample.b64.tar.gz", import.meta.url).pathname;

test("the sample package holds exactly the JSONL's rows (rebuild with scripts/build-sample.ts)", async () => {
  const [fromJsonl, fromPackage] = await Promise.all([prepareData(jsonl), prepareData(pkg)]);
  assert.equal(fromPackage.fingerprint, fromJsonl.fingerprint);
  assert.deepEqual(fromPackage.validation.labelCounts, fromJsonl.validation.labelCounts);
});

test("the sample has both classes, roughly 40% Relevant, and at least 300 rows", async () => {
  const { rows, report } = await prepareData(pkg);
  assert.ok(rows.length >= 300, `${rows.length} rows`);
  const relevant = report.labelCounts[RELEVANT] ?? 0;
  assert.ok((report.labelCounts[NOT_RELEVANT] ?? 0) > 0);
  const share = relevant / rows.length;
  assert.ok(share > 0.35 && share < 0.45, `Relevant share ${share}`);
});
