import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DRIFT_LENGTH_EDGES, DRIFT_SCORE_EDGES, driftTokens } from "./index.ts";

describe("drift tokens", () => {
  it("lower-cased letter/digit runs, inner apostrophes and hyphens kept, punctuation dropped", () => {
    assert.deepEqual(driftTokens("Forest-FIRE near La Ronge!! Don't panic, 2 #evac @ 10am"), [
      "forest-fire",
      "near",
      "la",
      "ronge",
      "don't",
      "panic",
      "2",
      "evac",
      "10am",
    ]);
    assert.deepEqual(driftTokens("  ... !! "), []);
    assert.deepEqual(driftTokens("Ünïcode Straße"), ["ünïcode", "straße"]);
  });

  it("bins: ten equal score bins on [0, 1]; length edges rising from 0", () => {
    assert.equal(DRIFT_SCORE_EDGES.length, 11);
    assert.deepEqual([DRIFT_SCORE_EDGES[0], DRIFT_SCORE_EDGES[5], DRIFT_SCORE_EDGES[10]], [0, 0.5, 1]);
    assert.equal(DRIFT_LENGTH_EDGES[0], 0);
    assert.ok(DRIFT_LENGTH_EDGES.every((e, i) => i === 0 || e > (DRIFT_LENGTH_EDGES[i - 1] as number)));
    assert.throws(() => (DRIFT_LENGTH_EDGES as number[]).push(1), TypeError, "frozen: shared by two modules");
  });
});
