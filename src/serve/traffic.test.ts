import assert from "node:assert/strict";
import { test } from "node:test";
import type { TrafficPolicy } from "../registry/index.ts";
import {
  ModelManager,
  type ModelSource,
  parseModelRef,
  type ServedModel,
  type TrafficEvent,
  TrafficRouter,
} from "./index.ts";

/** A fake registry: versions 1–3 of `relevance` (3 fails to load), a movable production, a policy. */
function world() {
  const state = { revision: 1, production: 1, policy: { split: [], shadow: [] } as TrafficPolicy, loads: 0 };
  const model = (version: number): ServedModel =>
    ({ name: "relevance", version, ref: `relevance@${version}` }) as unknown as ServedModel;
  const source: ModelSource = {
    revision: () => state.revision,
    resolve: () => state.production,
    load: async (_name, version) => {
      state.loads++;
      if (version === 3) throw new Error("tampered");
      return model(version);
    },
  };
  const manager = new ModelManager({ source, refs: [parseModelRef("relevance@production")], pollMs: 0 });
  const events: TrafficEvent[] = [];
  const router = new TrafficRouter({
    manager,
    source,
    pollMs: 0,
    policies: { revision: async () => state.revision, getTrafficPolicy: async () => state.policy },
    onEvent: (event) => events.push(event),
  });
  const change = async (update: Partial<typeof state>) => {
    Object.assign(state, update);
    state.revision++;
    await manager.refresh();
    await router.refresh();
  };
  return { state, manager, router, events, change };
}

test("without a policy every request goes to the manager's model", async () => {
  const { manager, router } = world();
  await manager.start();
  await router.start();
  assert.equal(router.route({}).version, 1);
  assert.equal(router.route({ key: "a" }).version, 1);
});

test("a split routes by key, stickily, to loaded versions; a pinned version is honoured", async () => {
  const { manager, router, change, state } = world();
  await manager.start();
  await change({
    policy: {
      split: [
        { version: 1, weight: 0.5 },
        { version: 2, weight: 0.5 },
      ],
      shadow: [],
    },
  });
  const seen = new Set(Array.from({ length: 50 }, (_, i) => router.route({ key: `k${i}` }).version));
  assert.deepEqual([...seen].sort(), [1, 2]);
  assert.equal(router.route({ key: "k7" }).version, router.route({ key: "k7" }).version);
  assert.equal(router.route({ version: 1, key: "k7" }).version, 1);
  assert.equal(router.variantOf(router.route({ key: "k1" })), "split");
  assert.equal(state.loads, 2, "production's model is reused; only version 2 is loaded");
});

test("a version that fails to load is refused and its share falls back to production", async () => {
  const { manager, router, change, events } = world();
  await manager.start();
  await change({ policy: { split: [{ version: 3, weight: 1 }], shadow: [3] } });
  assert.equal(router.route({ key: "x" }).version, 1);
  assert.deepEqual(router.shadowsFor(router.route({})), []);
  assert.ok(events.some((e) => e.type === "refused" && e.version === 3));
});

test("shadows never include the answering version; a production swap reloads the old one", async () => {
  const { manager, router, change } = world();
  await manager.start();
  await change({ policy: { split: [], shadow: [1, 2] } });
  assert.deepEqual(
    router.shadowsFor(router.route({})).map((m) => m.version),
    [2],
  );
  assert.equal(router.shadowRefs(router.route({})), "relevance@2", "the log's refs agree");
  await change({ production: 2, policy: { split: [], shadow: [1] } });
  assert.equal(router.route({}).version, 2);
  assert.deepEqual(
    router.shadowsFor(router.route({})).map((m) => m.version),
    [1],
  );
  assert.equal(router.shadowRefs(router.route({})), "relevance@1", "recomputed after the change");
  assert.deepEqual(
    router.loaded().map((m) => m.version),
    [1],
  );
  await change({ policy: { split: [], shadow: [] } });
  assert.equal(router.shadowRefs(router.route({})), "", "none once the shadow is cleared");
});

test("versions only shadowed load through the shadow source; one moved into the split loads in full", async () => {
  const { state, manager } = world();
  const full: number[] = [];
  const light: number[] = [];
  const loader = (calls: number[], kind: string): ModelSource => ({
    revision: () => state.revision,
    resolve: () => state.production,
    load: async (_name, version) => {
      calls.push(version);
      return { name: "relevance", version, ref: kind } as unknown as ServedModel;
    },
  });
  const router = new TrafficRouter({
    manager,
    source: loader(full, "full"),
    shadowSource: loader(light, "manifest"),
    pollMs: 0,
    policies: { revision: async () => state.revision, getTrafficPolicy: async () => state.policy },
  });
  await manager.start();
  const apply = async (policy: TrafficPolicy) => {
    state.policy = policy;
    state.revision++;
    await router.refresh();
  };
  await apply({ split: [], shadow: [2] });
  assert.deepEqual([full, light], [[], [2]]);
  assert.equal(router.shadowsFor(router.route({}))[0]?.ref, "manifest");
  await apply({ split: [], shadow: [2] });
  assert.deepEqual(light, [2], "a held shadow version is kept, not read again");
  await apply({ split: [{ version: 2, weight: 1 }], shadow: [] });
  assert.deepEqual(full, [2], "the split needs its classifier: version 2 loads in full");
  assert.equal(router.route({ key: "k" }).ref, "full");
});
