import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { columnBuffers, decodeEvents, encodeEvents } from "./log-protocol.ts";
import type { PredictionEvent } from "./types.ts";

// Any text, including empty strings, surrogates and separators a joined string might use.
const text = fc.string({ unit: "binary", maxLength: 40 });
const event: fc.Arbitrary<PredictionEvent> = fc.record(
  {
    id: text,
    requestId: text,
    time: fc.integer({ min: 0, max: 2 ** 47 }),
    model: fc.constantFrom("relevance", "spam", ""),
    version: fc.integer({ min: 1, max: 1_000_000 }),
    score: fc.double(),
    label: fc.constantFrom("Relevant", "Not Relevant", "é"),
    latencyMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    route: fc.constantFrom("primary" as const, "shadow" as const),
    variant: fc.constantFrom("default", "split", "shadow"),
    sentence: text,
    shadows: fc.constantFrom("", "relevance@2", "relevance@2,relevance@3"),
  },
  {
    requiredKeys: [
      "id",
      "time",
      "model",
      "version",
      "score",
      "label",
      "latencyMs",
      "route",
      "variant",
      "sentence",
    ],
  },
);

test("prediction events sent as columns decode to the same events (a missing request id is the id, missing shadows none)", () => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 20 }), (events) => {
      const columns = encodeEvents(events);
      // What postMessage does with the buffers transferred; the events must survive it.
      const received = structuredClone(columns, { transfer: columnBuffers(columns) });
      const expected = events.map((e) => ({
        ...e,
        requestId: e.requestId ?? e.id,
        shadows: e.shadows ?? "",
      }));
      assert.deepEqual(decodeEvents(received), expected);
    }),
  );
});
