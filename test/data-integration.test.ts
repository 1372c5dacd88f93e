/** The data layer on the real seed package: 8,701 raw tweets, dirty as collected. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { before, describe, test } from "node:test";
import {
  CANT_DECIDE,
  NOT_RELEVANT,
  type PreparedData,
  prepareData,
  RELEVANT,
  splitRows,
} from "../src/data/index.ts";

const PACKAGE = new URL("../../shared/data/relevance-dev.db.b64.tar.gz", import.meta.url).pathname;
const skip = existsSync(PACKAGE) ? false : `the seed package is not at ${PACKAGE}`;

describe("the seed package", { skip }, () => {
  let prepared: PreparedData;
  before(async () => {
    prepared = await prepareData(PACKAGE);
  });

  test("is read whole: 8,701 rows, three labels, 20 texts with conflicting labels", () => {
    const { dataset, validation } = prepared;
    assert.equal(dataset.format, "package");
    assert.deepEqual(dataset.columns, ["text", "choose_one", "class_label"]);
    assert.equal(dataset.rows.length, 8701);
    assert.deepEqual(validation.labelCounts, { [RELEVANT]: 3738, [NOT_RELEVANT]: 4950, [CANT_DECIDE]: 13 });
    assert.deepEqual(validation.unknownLabels, {});
    const labelsByText = new Map<string | null, Set<string | null>>();
    for (const row of dataset.rows)
      labelsByText.set(row.text, (labelsByText.get(row.text) ?? new Set()).add(row.label));
    assert.equal(labelsByText.size, 8563);
    assert.equal([...labelsByText.values()].filter((s) => s.size > 1).length, 20);
  });

  test("cleaning sets Can't Decide aside, repairs the damage and collapses duplicates", () => {
    const { rows, report } = prepared;
    assert.equal(report.undecided, 13);
    const step = (name: string) => report.steps.find((s) => s.step === name);
    assert.equal(step("cant-decide")?.rowsOut, 8701 - 13);
    assert.ok((step("mojibake")?.counts["mojibake-repaired"] ?? 0) > 700);
    assert.ok((step("html-entities")?.counts["entities-decoded"] ?? 0) > 400);
    const conflicts = step("duplicates")?.counts["conflicting-texts"] ?? 0;
    assert.ok(conflicts >= 20, `at least the 20 raw conflicts are found (found ${conflicts})`);
    assert.equal(rows.length, report.rowsOut);
    assert.equal(rows.length, (report.labelCounts[RELEVANT] ?? 0) + (report.labelCounts[NOT_RELEVANT] ?? 0));
    assert.equal(new Set(rows.map((r) => r.key)).size, rows.length, "one row per normalised key");
    const leftovers = rows.filter((r) => /\uFFFD|—_|Î¾|&amp;|https?:\/\/|^\s|\s$|\s\s/.test(r.text));
    assert.deepEqual(leftovers, []);
  });

  test("the fingerprint is stable and the split leak-free", async () => {
    assert.equal((await prepareData(PACKAGE)).fingerprint, prepared.fingerprint);
    const split = splitRows(prepared.rows, { seed: 42 });
    const sides = new Map<string, string>();
    for (const [side, part] of Object.entries(split))
      for (const row of part) sides.set(row.key, `${sides.get(row.key) ?? ""}${side}`);
    assert.deepEqual(
      [...sides.values()].filter((s) => !["train", "validation", "test"].includes(s)),
      [],
    );
    const share = split.test.length / prepared.rows.length;
    assert.ok(Math.abs(share - 0.15) < 0.001, `test share ${share}`);
  });
});
