import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CharWbAnalyzer } from "./analyzers.ts";
import { countCharWb } from "./char-wb-count.ts";

/** The definition: every n-gram of every document, counted one by one. */
function countByDefinition(
  texts: readonly string[],
  analyzer: CharWbAnalyzer,
): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  texts.forEach((text) => {
    const grams = analyzer.terms(text);
    for (const g of grams) {
      const entry = out.get(g) ?? [0, 0];
      entry[1] += 1;
      out.set(g, entry);
    }
    for (const g of new Set(grams)) (out.get(g) as [number, number])[0] += 1;
  });
  return out;
}

function asMap(texts: readonly string[], analyzer: CharWbAnalyzer): Map<string, [number, number]> {
  const { terms, df, total } = countCharWb(texts, analyzer);
  assert.equal(new Set(terms).size, terms.length, "each term once");
  return new Map(terms.map((t, i) => [t, [df[i] as number, total[i] as number]]));
}

describe("countCharWb", () => {
  it("gives every n-gram's document frequency and total, as counting one by one does", () => {
    const word = fc.stringMatching(/^[abé字 ]{0,7}$/);
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (texts, minN, extra) => {
          const analyzer = new CharWbAnalyzer(minN, minN + extra);
          assert.deepEqual(asMap(texts, analyzer), countByDefinition(texts, analyzer));
        },
      ),
    );
  });

  it("counts a repeated word in one document once towards df and every time towards the total", () => {
    const got = asMap(["aa aa", "aa"], new CharWbAnalyzer(2, 2));
    assert.deepEqual(got.get(" a"), [2, 3]);
    assert.deepEqual(got.get("aa"), [2, 3]);
  });

  it("names a word shorter than the smallest n-gram by the whole padded word", () => {
    const got = asMap(["a"], new CharWbAnalyzer(4, 5));
    assert.deepEqual([...got.keys()], [" a "]);
  });

  it("gives nothing for empty or all-space text", () => {
    assert.deepEqual(countCharWb(["", "   "], new CharWbAnalyzer(2, 5)).terms, []);
  });
});
