/** Unit tests for serve's small pure pieces: ids, body parsing, raw BYTES, limits, field paths. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decodeRawBytes } from "./grpc-v2.ts";
import { fieldPath } from "./http-errors.ts";
import { parseJsonBody } from "./json-body.ts";
import { serveLimits } from "./limits.ts";
import { isPredictionId, predictionId, predictionIdTime } from "./prediction-id.ts";

describe("predictionId", () => {
  it("is a UUID v7 carrying its creation time, unique across calls", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = predictionId(ms);
        assert.ok(isPredictionId(id), id);
        assert.equal(predictionIdTime(id), ms);
      }),
    );
    const ids = new Set(Array.from({ length: 5000 }, () => predictionId()));
    assert.equal(ids.size, 5000);
  });
});

describe("parseJsonBody", () => {
  it("parses UTF-8 JSON", () => {
    assert.deepEqual(parseJsonBody(Buffer.from('{"sentence":"café 🔥"}')), { sentence: "café 🔥" });
  });
  const refusals: Array<[string, Buffer, string]> = [
    ["empty", Buffer.alloc(0), "INVALID_JSON"],
    ["broken", Buffer.from('{"a":'), "INVALID_JSON"],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), "INVALID_UTF8"],
    ["__proto__", Buffer.from('{"__proto__":{"x":1}}'), "INVALID_JSON"],
    ["nested constructor.prototype", Buffer.from('[{"a":{"constructor":{"prototype":{}}}}]'), "INVALID_JSON"],
  ];
  for (const [name, bytes, code] of refusals) {
    it(`refuses ${name} with ${code}`, () => {
      assert.throws(() => parseJsonBody(bytes), { code });
    });
  }
  it("lets a sentence mention constructor or __proto__ as text", () => {
    assert.deepEqual(parseJsonBody(Buffer.from('{"sentence":"the constructor of __proto__"}')), {
      sentence: "the constructor of __proto__",
    });
    assert.deepEqual(parseJsonBody(Buffer.from('{"constructor":"x"}')), { constructor: "x" });
  });
});

describe("decodeRawBytes", () => {
  it("round-trips length-prefixed strings", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" })), (texts) => {
        const raw = Buffer.concat(
          texts.flatMap((text) => {
            const bytes = Buffer.from(text);
            const length = Buffer.alloc(4);
            length.writeUInt32LE(bytes.length);
            return [length, bytes];
          }),
        );
        assert.deepEqual(decodeRawBytes(raw), texts);
      }),
    );
  });
  it("refuses truncated prefixes and elements, and invalid UTF-8", () => {
    assert.throws(() => decodeRawBytes(Buffer.from([1, 0])), { code: "INVALID_REQUEST" });
    assert.throws(() => decodeRawBytes(Buffer.from([5, 0, 0, 0, 97])), { code: "INVALID_REQUEST" });
    assert.throws(() => decodeRawBytes(Buffer.from([1, 0, 0, 0, 0xff])), { code: "INVALID_UTF8" });
  });
});

describe("serveLimits", () => {
  it("fills defaults and refuses out-of-range values at start-up", () => {
    assert.equal(serveLimits({}).maxSentenceLength, 5000);
    assert.equal(serveLimits({ maxBatch: 10, maxSentenceLength: undefined }).maxBatch, 10);
    for (const bad of [
      { maxBatch: 0 },
      { maxSentenceLength: 1.5 },
      { bodyLimit: -1 },
      { requestTimeoutMs: Number.NaN },
    ]) {
      assert.throws(() => serveLimits(bad), { code: "SERVE_OPTION_INVALID" });
    }
  });
});

describe("fieldPath", () => {
  it("writes JSON pointers the way users write fields", () => {
    assert.equal(fieldPath("body", "/sentences/3"), "body.sentences[3]");
    assert.equal(fieldPath("body", ""), "body");
    assert.equal(fieldPath("params", "/a~1b"), "params.a/b");
  });
});
