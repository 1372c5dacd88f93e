import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveCleaningConfig } from "./cleaning-config.ts";
import { RowCleaner } from "./row-cleaner.ts";
import type { RawRow } from "./types.ts";

const DIRT = [
  " http://t.co/x1",
  " via @news",
  " &amp; more",
  " don\u00e2\u20ac\u2122t",
  "  spaced  out ",
  "\ufffd",
  " #Flood",
];
const LABELS = ["Relevant", "Not Relevant", " relevant ", "Can't Decide", "maybe", null];

/** Dirty rows with duplicates, NULL and empty texts, and odd labels, made the same way every time. */
function dirtyRows(n: number): RawRow[] {
  return Array.from({ length: n }, (_, i) => {
    const base = i % 7 === 0 ? "" : `Fire near town ${i % 1500}${DIRT[i % DIRT.length]}`;
    return {
      row: i + 1,
      text: i % 97 === 0 ? null : base,
      label: LABELS[i % 11 === 0 ? i % LABELS.length : i % 2] ?? null,
      classLabel: null,
    };
  });
}

function clean(rows: readonly RawRow[], offload: boolean, offloadThreshold?: number) {
  const cleaner = new RowCleaner(resolveCleaningConfig({}), { offload, offloadThreshold });
  for (const row of rows) cleaner.add(row);
  const result = cleaner.finish();
  return { ...result, canonical: cleaner.canonicalOrder() };
}

test("texts cleaned in the worker give the same rows, report and canonical order as in-thread", () => {
  const rows = dirtyRows(20_000);
  const inThread = clean(rows, false);
  const offloaded = clean(rows, true, 0);
  assert.ok(inThread.rows.length > 1000);
  assert.ok(inThread.report.steps.some((s) => Object.keys(s.counts).length > 0));
  assert.deepEqual(offloaded, inThread);
});

test("below the threshold the texts are cleaned in-thread, with the same result", () => {
  const rows = dirtyRows(3000);
  assert.deepEqual(clean(rows, true), clean(rows, false));
});

test("no rows at all: the offloaded cleaner reports zero rows", () => {
  const result = clean([], true, 0);
  assert.equal(result.report.rowsIn, 0);
  assert.deepEqual(result.rows, []);
});
