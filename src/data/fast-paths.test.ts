/**
 * The data layer's fast paths (skipping work a text cannot need, one loop instead of patterns,
 * a native sort instead of a comparator) must give exactly what the general forms give.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import fc from "fast-check";
import { Deduper } from "./deduper.ts";
import { fingerprint, fingerprintInOrder } from "./fingerprint.ts";
import { seededHash } from "./group-allocation.ts";
import { orderByHash } from "./hash-order.ts";
import {
  assignFolds,
  CANT_DECIDE,
  collapseWhitespace,
  HASHTAG_TOKEN,
  type Label,
  NOT_RELEVANT,
  normalisedKey,
  RELEVANT,
  replaceHashtags,
  splitRows,
} from "./index.ts";
import { keyByPatterns } from "./normalised-key.ts";
import { StepTally } from "./step-report.ts";

/** Strings rich in what the fast paths branch on: case, punctuation, URLs, whitespace of every kind. */
const dirty = fc.string({
  unit: fc.constantFrom(
    ..."aZ09 .:/#@&-_'",
    "http://",
    "HTTPS://t.co/x",
    "www.",
    "  ",
    "\t",
    "\n",
    "\u00a0",
    "\u2028",
    "\ufeff",
    "é",
    "É",
    "ß",
    "…",
    "😀",
  ),
  maxLength: 30,
});

// Found by search: each pair has the same seededHash for the seed named (0: dedupe and fingerprint, 42: split).
const COLLIDING_AT_0 = ["k4uzx", "kf2ad"] as const;
const COLLIDING_AT_42 = ["k13pfs", "k1kvja"] as const;

describe("fast paths agree with the general forms", () => {
  test("the pairs used below really collide", () => {
    assert.equal(seededHash(COLLIDING_AT_0[0], 0), seededHash(COLLIDING_AT_0[1], 0));
    assert.equal(seededHash(COLLIDING_AT_42[0], 42), seededHash(COLLIDING_AT_42[1], 42));
  });

  test("normalisedKey's ASCII loop gives the pattern form's key", () => {
    fc.assert(fc.property(dirty, (text) => assert.equal(normalisedKey(text), keyByPatterns(text))));
    assert.equal(normalisedKey("  Fire!! at the ZOO.  "), "fire at the zoo");
    assert.equal(normalisedKey("See www.x.org/a now"), "see xxurl now");
  });

  test("replaceHashtags' pre-check never skips a hashtag", () => {
    const hashtag = /(^|[^\w&#])#(\w*[A-Za-z_]\w*)/g;
    const texts = fc.string({ unit: fc.constantFrom(..."#&a1_ Z9.", "é", "##"), maxLength: 20 });
    fc.assert(
      fc.property(
        texts,
        fc.constantFrom("token", "strip", "word") as fc.Arbitrary<"token" | "strip" | "word">,
        (text, policy) => {
          const replacement = { token: `$1${HASHTAG_TOKEN}`, strip: "$1", word: "$1$2" }[policy];
          assert.equal(replaceHashtags(text, policy), text.replace(hashtag, replacement));
        },
      ),
    );
    assert.equal(replaceHashtags("Quake #1 #2a", "word"), "Quake #1 2a");
  });

  test("collapseWhitespace's tidy check leaves exactly the tidy texts alone", () => {
    fc.assert(
      fc.property(dirty, (text) => assert.equal(collapseWhitespace(text), text.replace(/\s+/g, " ").trim())),
    );
  });

  test("orderByHash orders by hash, then index; given a comparator, by it within equal hashes", () => {
    fc.assert(
      // Up to 100 rows over 4 hashes: runs of equal hashes both short (sorted by insertion) and long.
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 100 }), (small) => {
        const hashes = Uint32Array.from(small, (h) => h * 0x40000000 + 7);
        const order = orderByHash(hashes);
        const expected = [...hashes.keys()].sort(
          (a, b) => (hashes[a] as number) - (hashes[b] as number) || a - b,
        );
        assert.deepEqual([...order], expected);
        const tied = orderByHash(hashes, (a, b) => (b % 2) - (a % 2));
        const byParity = [...hashes.keys()].sort(
          (a, b) => (hashes[a] as number) - (hashes[b] as number) || (b % 2) - (a % 2) || a - b,
        );
        assert.deepEqual([...tied], byParity);
      }),
    );
  });

  test("the fingerprint does not depend on row order, also when keys' hashes collide", () => {
    const rows: Array<{ key: string; text: string; label: Label }> = [
      { key: COLLIDING_AT_0[1], text: "b", label: RELEVANT },
      { key: COLLIDING_AT_0[0], text: "a", label: NOT_RELEVANT },
      { key: "other", text: "c", label: RELEVANT },
    ];
    assert.equal(fingerprint(rows), fingerprint([...rows].reverse()));
    // The canonical order puts the colliding keys by key: "k4uzx" (index 1) before "kf2ad" (index 0).
    const keyOrder = fingerprintInOrder(
      rows,
      orderByHash(Uint32Array.from(rows, (r) => seededHash(r.key, 0))),
    );
    const swapped = fingerprintInOrder(rows, Uint32Array.from([1, 0, 2]));
    assert.notEqual(keyOrder, swapped, "order matters to the digest, so the tie order is pinned");
  });

  test("the fingerprint's direct writing gives the bytes of label, tab, JSON text, line feed", () => {
    const text = fc.string({
      unit: fc.constantFrom(
        ...'aZ 0"\\\n\t\u0001\u007f\u00e9\u2028\u20ac',
        "\ud83d\ude00",
        "\ud800",
        "\udc00",
      ),
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ text, label: fc.constantFrom(RELEVANT, NOT_RELEVANT, CANT_DECIDE) })),
        (rows) => {
          const keyed = rows.map((r, i) => ({ ...r, key: `k${i}` }));
          const order = Uint32Array.from(keyed.keys()).reverse();
          const lines = Array.from(order, (i) => {
            const row = keyed[i] as { text: string; label: string };
            return `${row.label}\t${JSON.stringify(row.text)}\n`;
          });
          const expected = createHash("sha256").update(lines.join(""), "utf8").digest("hex");
          assert.equal(fingerprintInOrder(keyed, order), expected);
        },
      ),
    );
  });

  test("dedupe's canonical order is the fingerprint's", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", COLLIDING_AT_0[0], COLLIDING_AT_0[1], "c d"), { maxLength: 40 }),
        (keys) => {
          const deduper = new Deduper(true);
          for (const [i, key] of keys.entries()) {
            deduper.add(i + 1, key.toUpperCase(), i % 3 ? RELEVANT : NOT_RELEVANT, key, seededHash(key, 0));
          }
          const rows = deduper.finish("majority", new StepTally());
          const canonical = deduper.canonicalOrder();
          assert.ok(canonical !== null);
          assert.equal(fingerprintInOrder(rows, canonical), fingerprint(rows));
        },
      ),
    );
  });

  test("groups whose keys' hashes collide are still told apart by the split and the folds", () => {
    const keys = [...COLLIDING_AT_42, ...COLLIDING_AT_42, "x", "y", "z", "w"];
    const rows = keys.map((key, i): { key: string; label: Label } => ({
      key,
      label: i % 2 ? RELEVANT : NOT_RELEVANT,
    }));
    const split = splitRows(rows, { seed: 42, train: 0.5, validation: 0.25, test: 0.25 });
    for (const key of COLLIDING_AT_42) {
      const sides = [split.train, split.validation, split.test].filter((part) =>
        part.some((r) => r.key === key),
      );
      assert.equal(sides.length, 1, `${key} sits on one side`);
    }
    const folds = assignFolds(
      rows.map((r) => r.label),
      keys,
      2,
      42,
    );
    assert.equal(folds[0], folds[2]);
    assert.equal(folds[1], folds[3]);
  });
});
