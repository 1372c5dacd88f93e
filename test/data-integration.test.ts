/** The data layer on the real seed package: 8,701 raw tweets, dirty as collected. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import { CANT_DECIDE, NOT_RELEVANT, prepareData, RELEVANT, splitRows } from "../src/data/index.ts";

const PACKAGE = new URL("../../shared/data/relevance-dev.db.b64.tar.gz", import.meta.url).pathname;
const skip = existsSync(PACKAGE) ? false : `the seed package is not at ${PACKAGE}`;

describe("the seed package", { skip }, () => {
  test("reads, validates, cleans, fingerprints and splits", async () => {
    const prepared = await prepareData(PACKAGE);
    const { dataset, validation, rows, report } = prepared;

    // What was read.
    assert.equal(dataset.format, "package");
    assert.deepEqual(dataset.columns, ["text", "choose_one", "class_label"]);
    assert.equal(dataset.rows.length, 8701);
    assert.deepEqual(validation.labelCounts, { [RELEVANT]: 3738, [NOT_RELEVANT]: 4950, [CANT_DECIDE]: 13 });
    assert.deepEqual(validation.unknownLabels, {});
    const labelsByText = new Map<string, Set<string>>();
    for (const row of dataset.rows) {
      const set = labelsByText.get(row.text ?? "") ?? new Set<string>();
      set.add(row.label ?? "");
      labelsByText.set(row.text ?? "", set);
    }
    assert.equal(labelsByText.size, 8563);
    assert.equal([...labelsByText.values()].filter((s) => s.size > 1).length, 20);

    // What cleaning did: Can't Decide set aside, duplicates (after normalisation) collapsed.
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

    // No damage left that the cleaning claims to repair.
    for (const row of rows) {
      assert.doesNotMatch(row.text, /\uFFFD|—_|Î¾|&amp;|https?:\/\/|^\s|\s$|\s\s/, row.text);
    }

    // Deterministic fingerprint and a leak-free split.
    assert.equal((await prepareData(PACKAGE)).fingerprint, prepared.fingerprint);
    const split = splitRows(rows, { seed: 42 });
    const sides = new Map<string, string>();
    for (const [side, part] of Object.entries(split)) {
      for (const row of part) {
        assert.equal(sides.get(row.key) ?? side, side);
        sides.set(row.key, side);
      }
    }
    const share = split.test.length / rows.length;
    assert.ok(Math.abs(share - 0.15) < 0.001, `test share ${share}`);
  });
});
