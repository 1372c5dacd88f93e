import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DEFAULT_TOKEN_PATTERN, RunScanner, WordAnalyzer } from "./analyzers.ts";

/** Spans by the regex engine, the definition the scanner must agree with. */
function regexSpans(pattern: string, text: string): [number, number][] {
  return Array.from(text.matchAll(new RegExp(pattern, "gu")), (m) => [m.index, m.index + m[0].length]);
}

function analyzerSpans(analyzer: WordAnalyzer, text: string): [number, number][] {
  const n = analyzer.spans(text);
  return Array.from({ length: n }, (_, i) => [analyzer.starts[i] as number, analyzer.ends[i] as number]);
}

// Pieces that exercise the edges: combining marks, astral letters and emoji, lone surrogates,
// apostrophes, Unicode spaces and digits, and the bracket the class parser must not trip on.
const piece = fc.oneof(
  fc.constantFrom(
    "a",
    "Z",
    "é",
    "e\u0301",
    "1",
    "_",
    "'",
    " ",
    "\t",
    "-",
    "日本",
    "😀",
    "𝐀",
    "\ud800",
    "\udc00",
  ),
  fc.constantFrom("ß", "Ⅻ", "٣", "\u00a0", "x]", "]", "\\"),
  fc.string({ unit: "binary", maxLength: 4 }),
);
const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(""));

describe("RunScanner", () => {
  const patterns = [
    DEFAULT_TOKEN_PATTERN,
    "[\\p{L}\\p{M}\\p{N}_']+",
    "[a-z]{3,}",
    "[^\\s]+",
    "[\\]x]+",
    "[\\p{L}]{1,}",
  ];
  for (const pattern of patterns) {
    it(`finds the regex engine's tokens for ${pattern}`, () => {
      const analyzer = new WordAnalyzer(pattern, 1, 1);
      assert.ok(RunScanner.of(pattern) !== null, "the pattern is scanned by hand");
      fc.assert(
        fc.property(text, (t) => {
          assert.deepEqual(analyzerSpans(analyzer, t), regexSpans(pattern, t));
        }),
        { numRuns: 3000 },
      );
    });
  }

  it("leaves other patterns to the regex engine", () => {
    for (const pattern of ["\\b\\w\\w+\\b", "[a-z]+s", "[a-z]*", "(?:ab)+", "[a-z]{2,5}"]) {
      assert.equal(RunScanner.of(pattern), null, pattern);
    }
    const analyzer = new WordAnalyzer("\\b\\w\\w+\\b", 1, 1);
    assert.deepEqual(analyzerSpans(analyzer, "it is a test"), regexSpans("\\b\\w\\w+\\b", "it is a test"));
  });

  it("grows its span buffers past 64 tokens", () => {
    const analyzer = new WordAnalyzer(DEFAULT_TOKEN_PATTERN, 1, 1);
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(" ");
    assert.deepEqual(analyzerSpans(analyzer, long), regexSpans(DEFAULT_TOKEN_PATTERN, long));
  });
});
