import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { decodeShadowRequest, encodeShadowRequest } from "./shadow-protocol.ts";

const job = fc.record({
  name: fc.string({ minLength: 1, maxLength: 12 }),
  version: fc.integer({ min: 1, max: 1_000_000 }),
  // Any text, including empty sentences, surrogates and separators a joined string might use.
  sentences: fc.array(fc.string({ unit: "binary", maxLength: 40 }), { maxLength: 6 }),
});

test("a flattened shadow request decodes to the same jobs, in order", () => {
  fc.assert(
    fc.property(fc.array(job, { maxLength: 8 }), fc.nat(), (jobs, seq) => {
      const withIds = jobs.map((j) => ({ ...j, requestIds: j.sentences.map((_, i) => `id-${i}`) }));
      const request = encodeShadowRequest(seq, withIds);
      assert.equal(request.seq, seq);
      // Structured clone is what postMessage does; the decoded jobs must survive it too.
      const expected = jobs.map((j) => ({ name: j.name, version: j.version, sentences: [...j.sentences] }));
      assert.deepEqual(decodeShadowRequest(structuredClone(request)), expected);
    }),
  );
});

test("an empty batch encodes to empty buffers", () => {
  const request = encodeShadowRequest(7, []);
  assert.equal(request.text, "");
  assert.equal(request.lengths.length, 0);
  assert.deepEqual(decodeShadowRequest(request), []);
});
