import assert from "node:assert/strict";
import { test } from "node:test";
import { releaseScratch, scratchBuffer } from "./scratch.ts";

test("a released buffer comes back to the next request it fits, the smallest that fits first", () => {
  const big = new Uint32Array(scratchBuffer(1 << 22));
  const small = new Uint32Array(scratchBuffer(1 << 20));
  releaseScratch(big);
  releaseScratch(small);
  assert.equal(scratchBuffer(1 << 19), small.buffer);
  assert.equal(scratchBuffer(1 << 21), big.buffer);
  // Both taken: a third request gets a new buffer.
  const fresh = scratchBuffer(1 << 19);
  assert.notEqual(fresh, small.buffer);
  assert.notEqual(fresh, big.buffer);
});

test("a buffer too small for the request, or too small to pool, is not handed back", () => {
  const tiny = new Uint8Array(scratchBuffer(1024));
  releaseScratch(tiny);
  assert.notEqual(scratchBuffer(1024), tiny.buffer);
  const mid = new Uint8Array(scratchBuffer(1 << 20));
  releaseScratch(mid);
  releaseScratch(mid);
  assert.notEqual(scratchBuffer(1 << 21), mid.buffer);
  assert.equal(scratchBuffer(1 << 20), mid.buffer);
  assert.notEqual(scratchBuffer(1 << 20), mid.buffer, "released twice, handed back once");
});
