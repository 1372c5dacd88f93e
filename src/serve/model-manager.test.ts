/** The model manager's start-up contract: events held while the server wires itself, stop during a load. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type ModelEvent, ModelManager, type ModelSource, parseModelRef, type ServedModel } from "./index.ts";

const model = (version: number): ServedModel =>
  ({ name: "relevance", version, ref: `relevance@${version}` }) as unknown as ServedModel;

function source(version: { current: number }, calls: { revision: number }, loadMs = 0): ModelSource {
  return {
    revision: () => {
      calls.revision++;
      return version.current;
    },
    resolve: () => version.current,
    load: async (_name, v) => {
      if (loadMs > 0) await sleep(loadMs);
      return model(v);
    },
  };
}

test("held events wait for the release, in order, while the model already serves", async () => {
  const version = { current: 1 };
  const manager = new ModelManager({
    source: source(version, { revision: 0 }),
    refs: [parseModelRef("relevance@production")],
    pollMs: 0,
  });
  const early: string[] = [];
  manager.onEvent((event) => early.push(`${event.type}`));
  const release = manager.holdEvents();
  await manager.start();
  version.current = 2;
  await manager.refresh();
  assert.equal(manager.route({}).version, 2, "a held manager still serves what it loaded");
  assert.deepEqual(early, [], "nothing is delivered while held");

  const late: ModelEvent[] = [];
  manager.onEvent((event) => late.push(event));
  release();
  assert.deepEqual(early, ["loaded", "loaded"]);
  assert.deepEqual(
    late.map((event) =>
      event.type === "loaded" ? [event.model.version, event.previous?.version] : event.type,
    ),
    [
      [1, undefined],
      [2, 1],
    ],
    "a listener subscribed during the hold hears every held event",
  );
  version.current = 3;
  await manager.refresh();
  assert.equal(late.length, 3, "after the release events are delivered at once");
  await manager.stop();
});

test("a manager stopped during its first load does not start polling", async () => {
  const calls = { revision: 0 };
  const manager = new ModelManager({
    source: source({ current: 1 }, calls, 50),
    refs: [parseModelRef("relevance@production")],
    pollMs: 10,
  });
  const started = manager.start();
  await manager.stop();
  await started;
  const checksAtStop = calls.revision;
  await sleep(100);
  assert.equal(calls.revision, checksAtStop, "no poll ran after stop()");
});
