import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CANT_DECIDE,
  cantDecideStep,
  cleanRows,
  dedupeStep,
  defaultCleaningConfig,
  emptyTextStep,
  type LabelledRow,
  labelStep,
  majorityLabel,
  NOT_RELEVANT,
  type RawRow,
  RELEVANT,
  textStep,
  textTransforms,
} from "./index.ts";
import { labelMatcher } from "./labels.ts";

function raw(
  row: number,
  text: string | null,
  label: string | null,
  classLabel: number | null = null,
): RawRow {
  return { row, text, label, classLabel };
}

const match = labelMatcher({}, true);

describe("labelStep", () => {
  test("stray whitespace and case are normalised and counted; NULL and unknown labels are dropped", () => {
    const { rows, report } = labelStep(
      [
        raw(1, "a", " relevant "),
        raw(2, "b", "NOT  RELEVANT"),
        raw(3, "c", "can’t decide"),
        raw(4, "d", null),
        raw(5, "e", "spam"),
      ],
      match,
    );
    assert.deepEqual(
      rows.map((r) => r.label),
      [RELEVANT, NOT_RELEVANT, CANT_DECIDE],
    );
    assert.deepEqual(report.counts, { "label-respelled": 3, "label-null": 1, "label-unknown": 1 });
    assert.equal(report.rowsIn, 5);
    assert.equal(report.rowsOut, 3);
  });
  test("the label map adds spellings", () => {
    const { rows } = labelStep(
      [raw(1, "a", "1"), raw(2, "b", "0")],
      labelMatcher({ 1: RELEVANT, 0: NOT_RELEVANT }, true),
    );
    assert.deepEqual(
      rows.map((r) => r.label),
      [RELEVANT, NOT_RELEVANT],
    );
  });
  test("without normalisation only exact spellings match", () => {
    const { rows } = labelStep([raw(1, "a", "relevant"), raw(2, "b", "Relevant")], labelMatcher({}, false));
    assert.deepEqual(
      rows.map((r) => r.row),
      [2],
    );
  });
});

describe("emptyTextStep", () => {
  test("NULL and blank texts are dropped with their reason", () => {
    const { rows, report } = emptyTextStep([
      { row: 1, text: null, label: RELEVANT },
      { row: 2, text: " \r\n ", label: RELEVANT },
      { row: 3, text: "Forest fire near La Ronge", label: RELEVANT },
    ]);
    assert.deepEqual(
      rows.map((r) => r.row),
      [3],
    );
    assert.deepEqual(report.counts, { "text-null": 1, "text-empty": 1 });
  });
});

const labelled = (row: number, text: string, label: LabelledRow["label"]): LabelledRow => ({
  row,
  text,
  label,
});

describe("cantDecideStep", () => {
  const rows = [labelled(1, "I See Fire", CANT_DECIDE), labelled(2, "Wildfire near town", RELEVANT)];
  test("exclude (default) sets them aside and counts them", () => {
    const result = cantDecideStep(rows, "exclude");
    assert.equal(result.rows.length, 1);
    assert.equal(result.report.counts["cant-decide-excluded"], 1);
  });
  test("not-relevant relabels them", () => {
    assert.equal(cantDecideStep(rows, "not-relevant").rows[0]?.label, NOT_RELEVANT);
  });
  test("keep keeps them", () => assert.equal(cantDecideStep(rows, "keep").rows.length, 2));
});

describe("dedupeStep", () => {
  test("duplicates collapse into the first row's text; their source rows are kept", () => {
    const { rows, report } = dedupeStep(
      [
        labelled(1, "Cop pulls drunk driver to safety xxurl", RELEVANT),
        labelled(2, "cop pulls drunk driver to safety! xxurl", RELEVANT),
      ],
      true,
      "majority",
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0]?.sourceRows, [1, 2]);
    assert.equal(rows[0]?.text, "Cop pulls drunk driver to safety xxurl");
    assert.equal(report.counts["duplicate-collapsed"], 1);
  });
  test("a clean row reads and serialises as a plain CleanRow, with or without duplicates", () => {
    const { rows } = dedupeStep(
      [
        labelled(4, "Quake hits the coast", RELEVANT),
        labelled(7, "Fire on the ridge", RELEVANT),
        labelled(9, "quake hits the coast!", RELEVANT),
      ],
      true,
      "majority",
    );
    assert.deepEqual(
      rows.map((r) => r.sourceRows),
      [[4, 9], [7]],
    );
    assert.deepEqual(Object.keys(rows[1] ?? {}), ["text", "label", "key"]);
    assert.deepEqual(JSON.parse(JSON.stringify(rows)), [
      { text: "Quake hits the coast", label: RELEVANT, key: rows[0]?.key, sourceRows: [4, 9] },
      { text: "Fire on the ridge", label: RELEVANT, key: rows[1]?.key, sourceRows: [7] },
    ]);
  });
  test("conflicts: the majority wins, a tie is dropped", () => {
    const { rows, report } = dedupeStep(
      [
        labelled(1, "hot Funtenna hijacking computers", NOT_RELEVANT),
        labelled(2, "hot Funtenna hijacking computers", RELEVANT),
        labelled(3, "hot Funtenna hijacking computers", NOT_RELEVANT),
        labelled(4, "Swansea plot hijack transfer", RELEVANT),
        labelled(5, "Swansea plot hijack transfer", NOT_RELEVANT),
      ],
      true,
      "majority",
    );
    assert.deepEqual(
      rows.map((r) => [r.label, r.sourceRows]),
      [[NOT_RELEVANT, [1, 2, 3]]],
    );
    assert.equal(report.counts["conflicting-texts"], 2);
    assert.equal(report.counts["conflict-majority"], 2);
    assert.equal(report.counts["conflict-tied-dropped"], 2);
  });
  test("the drop policy drops every conflicting group", () => {
    const rows = [
      labelled(1, "a b", RELEVANT),
      labelled(2, "a b", RELEVANT),
      labelled(3, "a b", NOT_RELEVANT),
    ];
    assert.equal(dedupeStep(rows, true, "drop").rows.length, 0);
  });
  test("disabled, every row stays and still gets its key", () => {
    const { rows } = dedupeStep(
      [labelled(1, "A b", RELEVANT), labelled(2, "a B", RELEVANT)],
      false,
      "majority",
    );
    assert.deepEqual(
      rows.map((r) => r.key),
      ["a b", "a b"],
    );
  });
  test("majorityLabel", () => {
    assert.equal(majorityLabel([RELEVANT, NOT_RELEVANT, RELEVANT]), RELEVANT);
    assert.equal(majorityLabel([RELEVANT, NOT_RELEVANT]), null);
  });
});

describe("cleanRows", () => {
  const dirty = [
    raw(1, "Forest fire near La Ronge Sask. Canada http://t.co/a #wildfire", "Relevant", 1),
    raw(2, "forest fire near la ronge sask canada http://t.co/b #Wildfire", " relevant", 1),
    raw(3, "Dr. Jim &amp; the tsunami —_", "Not Relevant", 0),
    raw(4, "   ", "Relevant", 1),
    raw(5, null, "Not Relevant", 0),
    raw(6, "I See Fire", "Can't Decide", 2),
    raw(7, "@aphyr I —ve been following you", "Not Relevant", 0),
  ];
  test("the default config gives clean rows and a report per step", () => {
    const { rows, report } = cleanRows(dirty);
    assert.deepEqual(
      rows.map((r) => [r.text, r.label]),
      [
        ["Forest fire near La Ronge Sask. Canada xxurl wildfire", RELEVANT],
        ["Dr. Jim & the tsunami ...", NOT_RELEVANT],
        ["xxuser I’ve been following you", NOT_RELEVANT],
      ],
    );
    assert.equal(report.rowsIn, 7);
    assert.equal(report.rowsOut, 3);
    assert.equal(report.undecided, 1);
    assert.deepEqual(report.labelCounts, { [RELEVANT]: 1, [NOT_RELEVANT]: 2 });
    assert.deepEqual(
      report.steps.map((s) => s.step),
      [
        "mojibake",
        "replacement-char",
        "html-entities",
        "nfkc",
        "urls",
        "mentions",
        "hashtags",
        "whitespace",
        "labels",
        "empty-text",
        "cant-decide",
        "duplicates",
      ],
    );
    for (const step of report.steps) {
      for (const example of step.examples)
        assert.ok(example.reason in step.counts, `${step.step}: ${example.reason}`);
    }
  });
  test("each step's rows out are the next step's rows in", () => {
    const { report } = cleanRows(dirty);
    for (let i = 1; i < report.steps.length; i++) {
      assert.equal(report.steps[i]?.rowsIn, report.steps[i - 1]?.rowsOut);
    }
  });
  test("one pass over all transforms equals running them one by one", () => {
    const transforms = textTransforms(defaultCleaningConfig);
    let rows: RawRow[] = dirty;
    for (const transform of transforms) rows = textStep(transform, rows).rows;
    const fused = cleanRows(dirty, { dedupe: false, cantDecide: "keep" }).rows.map((r) => r.text);
    assert.deepEqual(
      rows.filter((r) => r.text !== null && r.text.trim() !== "").map((r) => r.text),
      fused,
    );
  });
  test("a misspelt policy is rejected, not ignored", () => {
    assert.throws(
      () => cleanRows(dirty, { urls: "tokens" as "token" }),
      (e: Error & { code?: string }) => e.code === "CONFIG_INVALID" && /data\.cleaning\.urls/.test(e.message),
    );
  });
  test("the input rows are not changed", () => {
    const copy = structuredClone(dirty);
    cleanRows(dirty);
    assert.deepEqual(dirty, copy);
  });
});
