import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isValidAlias, isValidName, parseRef } from "./index.ts";

const REJECTED_NAMES = [
  "",
  ".",
  "..",
  "../x",
  "a/b",
  "a\\b",
  "/etc",
  "a..b",
  "-rf",
  ".hidden",
  "a b",
  "é",
  "a@b",
  "x".repeat(101),
];

describe("model names", () => {
  it("accepts letters, digits, '-', '_' and '.'", () => {
    for (const name of ["relevance", "Relevance-2", "tweets_v1.2", "a", "0day"])
      assert.ok(isValidName(name), name);
  });

  it("rejects separators, dot segments and anything outside the alphabet", () => {
    for (const name of REJECTED_NAMES) assert.equal(isValidName(name), false, name);
  });

  it("never lets an accepted name escape the directory it is joined to (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (name) => {
        if (!isValidName(name)) return;
        const root = path.resolve("/store/models");
        const joined = path.resolve(root, name);
        assert.equal(path.dirname(joined), root);
        assert.notEqual(joined, root);
      }),
    );
  });

  it("aliases start with a letter, so name@3 always means version 3", () => {
    assert.ok(isValidAlias("production"));
    assert.ok(isValidAlias("v2"));
    assert.equal(isValidAlias("3"), false);
    assert.equal(isValidAlias("1.5"), false);
  });
});

describe("parseRef", () => {
  it("reads a bare name as its production alias", () => {
    assert.deepEqual(parseRef("relevance"), { name: "relevance", kind: "alias", alias: "production" });
  });

  it("reads name@alias and name@version", () => {
    assert.deepEqual(parseRef("relevance@candidate"), {
      name: "relevance",
      kind: "alias",
      alias: "candidate",
    });
    assert.deepEqual(parseRef("relevance@12"), { name: "relevance", kind: "version", version: 12 });
  });

  it("rejects malformed references with MODEL_REF_INVALID", () => {
    const bad = [
      "",
      "@prod",
      "m@",
      "m@0",
      "m@-1",
      "m@1.5",
      "m@a@b",
      "../m",
      "m@../x",
      "m@a/b",
      "m@99999999999999999999",
    ];
    for (const ref of bad) assert.throws(() => parseRef(ref), { code: "MODEL_REF_INVALID" }, ref);
  });
});
