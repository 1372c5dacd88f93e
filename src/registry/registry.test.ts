import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { openRegistry, packArtifact, type Registry } from "./index.ts";
import { fixedClock, sampleDraft, steppingClock, tempDir } from "./test-fixtures.ts";

async function storeWith(dir: string, versions: number, name = "relevance"): Promise<Registry> {
  const registry = openRegistry(path.join(dir, "store"), { clock: steppingClock() });
  for (let i = 1; i <= versions; i++) await registry.register(name, sampleDraft(i));
  return registry;
}

describe("registry: versions", () => {
  it("numbers versions 1, 2, 3 per model and never reuses a number, even after delete", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 3);
    assert.equal((await registry.register("other", sampleDraft(9))).version, 1);
    await registry.deleteVersion("relevance", 3);
    await registry.deleteVersion("relevance", 2);
    assert.equal((await registry.register("relevance", sampleDraft(4))).version, 4);
    const summary = await registry.list();
    assert.deepEqual(summary, [
      { name: "other", latest: 1, versions: 1, aliases: {} },
      { name: "relevance", latest: 4, versions: 2, aliases: {} },
    ]);
    registry.close();
  });

  it("returns the manifest it wrote and loads the same bytes back, verified", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 0);
    const draft = sampleDraft(5);
    const manifest = await registry.register("relevance", draft);
    assert.equal(manifest.name, "relevance");
    assert.equal(manifest.version, 1);
    const loaded = await registry.load("relevance", 1);
    assert.deepEqual(loaded.manifest, manifest);
    assert.deepEqual(loaded.files["weights.bin"], draft.files["weights.bin"]);
    assert.equal(loaded.dir, path.join(registry.root, "models", "relevance", "1"));
    registry.close();
  });

  it("gives byte-identical artifacts and exports for the same draft and clock in two stores", async () => {
    await using tmp = await tempDir();
    const a = openRegistry(path.join(tmp.dir, "a"), { clock: fixedClock() });
    const b = openRegistry(path.join(tmp.dir, "b"), { clock: fixedClock() });
    await a.register("relevance", sampleDraft(3));
    await b.register("relevance", sampleDraft(3));
    const la = await a.load("relevance", 1);
    const lb = await b.load("relevance", 1);
    for (const file of ["manifest.json", "weights.bin", "vocab.json", "parts/featuriser.json"]) {
      assert.deepEqual(
        await fs.readFile(path.join(la.dir, file)),
        await fs.readFile(path.join(lb.dir, file)),
        file,
      );
    }
    assert.deepEqual(await packArtifact(la), await packArtifact(lb));
    assert.deepEqual(await a.show("relevance"), await b.show("relevance"));
    a.close();
    b.close();
  });

  it("refuses to delete a version an alias or a traffic policy points at", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 3);
    await registry.promote("relevance", 1);
    await registry.promote("relevance", 2, "candidate");
    await assert.rejects(registry.deleteVersion("relevance", 1), {
      code: "VERSION_IN_USE",
      message: /Version 1 of relevance is pointed at by alias production/,
    });
    await assert.rejects(registry.deleteVersion("relevance", 2), {
      code: "VERSION_IN_USE",
      message: /candidate/,
    });
    await registry.setTrafficPolicy("relevance", { split: [], shadow: [3] });
    await assert.rejects(registry.deleteVersion("relevance", 3), { code: "VERSION_IN_TRAFFIC_POLICY" });
    assert.equal((await registry.list())[0]?.versions, 3);
    await registry.setTrafficPolicy("relevance", { split: [], shadow: [] });
    await registry.deleteVersion("relevance", 3);
    await assert.rejects(registry.load("relevance", 3), { code: "VERSION_NOT_FOUND" });
    registry.close();
  });

  it("reports unknown models and versions with their own codes", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 1);
    await assert.rejects(registry.load("nope", 1), {
      code: "MODEL_NOT_FOUND",
      message: /No model nope in the registry/,
    });
    await assert.rejects(registry.load("relevance", 2), {
      code: "VERSION_NOT_FOUND",
      message: /has no version 2/,
    });
    await assert.rejects(registry.show("nope"), { code: "MODEL_NOT_FOUND" });
    await assert.rejects(registry.promote("relevance", 5), { code: "VERSION_NOT_FOUND" });
    await assert.rejects(registry.promote("nope", 1), { code: "MODEL_NOT_FOUND" });
    await assert.rejects(registry.deleteVersion("relevance", 9), { code: "VERSION_NOT_FOUND" });
    await assert.rejects(registry.deleteVersion("nope", 1), { code: "MODEL_NOT_FOUND" });
    await assert.rejects(registry.getTrafficPolicy("nope"), { code: "MODEL_NOT_FOUND" });
    await assert.rejects(registry.load("relevance", 0), { code: "MODEL_REF_INVALID" });
    await assert.rejects(registry.load("relevance", 1.5), { code: "MODEL_REF_INVALID" });
    registry.close();
  });

  it("refuses use after close", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 0);
    registry.close();
    await assert.rejects(registry.list(), { code: "INTERNAL", message: /after close/ });
  });
});

describe("registry: aliases and references", () => {
  it("resolves name (production), name@alias and name@version", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 3);
    assert.deepEqual(await registry.promote("relevance", 2), {
      name: "relevance",
      alias: "production",
      previous: null,
      version: 2,
    });
    await registry.promote("relevance", 3, "candidate");
    assert.deepEqual(await registry.resolve("relevance"), { name: "relevance", version: 2 });
    assert.deepEqual(await registry.resolve("relevance@production"), { name: "relevance", version: 2 });
    assert.deepEqual(await registry.resolve("relevance@candidate"), { name: "relevance", version: 3 });
    assert.deepEqual(await registry.resolve("relevance@1"), { name: "relevance", version: 1 });
    registry.close();
  });

  it("reports unknown aliases, versions, models and malformed references", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 1);
    await assert.rejects(registry.resolve("relevance"), {
      code: "ALIAS_NOT_FOUND",
      message: /Model relevance has no alias production. Promote a version first/,
    });
    await assert.rejects(registry.resolve("relevance@canary"), { code: "ALIAS_NOT_FOUND" });
    await assert.rejects(registry.resolve("relevance@7"), { code: "VERSION_NOT_FOUND" });
    await assert.rejects(registry.resolve("ghost@1"), { code: "MODEL_NOT_FOUND" });
    await assert.rejects(registry.resolve("ghost"), { code: "MODEL_NOT_FOUND" });
    for (const ref of ["", "relevance@", "@1", "relevance@0", "relevance@x/y", "a b"]) {
      await assert.rejects(registry.resolve(ref), { code: "MODEL_REF_INVALID" }, ref);
    }
    await assert.rejects(registry.promote("relevance", 1, "42"), { code: "MODEL_REF_INVALID" });
    await assert.rejects(registry.promote("relevance", 1, "../prod"), { code: "MODEL_REF_INVALID" });
    registry.close();
  });

  it("rolls an alias back through its history, skipping deleted versions, until there is nothing left", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 4);
    for (const version of [1, 2, 1, 3, 4]) await registry.promote("relevance", version);
    await registry.promote("relevance", 4); // a no-op: already there
    await registry.rollback("relevance"); // 4 → 3
    await registry.promote("relevance", 4, "candidate");
    await registry.promote("relevance", 1, "candidate");
    await registry.deleteVersion("relevance", 4);
    assert.deepEqual(await registry.resolve("relevance"), { name: "relevance", version: 3 });
    assert.equal((await registry.rollback("relevance")).version, 1); // 3 → 1
    assert.deepEqual(await registry.rollback("relevance"), {
      name: "relevance",
      alias: "production",
      previous: 1,
      version: 2,
    });
    assert.equal((await registry.rollback("relevance")).version, 1);
    const before = await registry.revision();
    await assert.rejects(registry.rollback("relevance"), {
      code: "NO_ROLLBACK_TARGET",
      message: /Alias production of relevance has no earlier version/,
    });
    assert.equal(await registry.revision(), before);
    assert.deepEqual(await registry.resolve("relevance"), { name: "relevance", version: 1 });
    await assert.rejects(registry.rollback("relevance", "canary"), { code: "ALIAS_NOT_FOUND" });
    await assert.rejects(registry.rollback("ghost"), { code: "MODEL_NOT_FOUND" });
    const history = (await registry.show("relevance")).history.filter((e) => e.alias === "production");
    assert.deepEqual(
      history.map((e) => `${e.action}:${e.version}`),
      [
        "promote:1",
        "promote:2",
        "promote:1",
        "promote:3",
        "promote:4",
        "rollback:3",
        "rollback:1",
        "rollback:2",
        "rollback:1",
      ],
    );
    registry.close();
  });

  it("skips versions deleted since they were promoted", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 4);
    for (const version of [1, 2, 3, 4]) await registry.promote("relevance", version);
    await registry.deleteVersion("relevance", 3);
    assert.deepEqual(await registry.rollback("relevance"), {
      name: "relevance",
      alias: "production",
      previous: 4,
      version: 2,
    });
    registry.close();
  });

  it("changes the revision on every alias or policy change, seen from another connection, and only then", async () => {
    await using tmp = await tempDir();
    const writer = await storeWith(tmp.dir, 2);
    const reader = openRegistry(writer.root);
    const seen = [await reader.revision()];
    const step = async (action: () => Promise<unknown>) => {
      await action();
      seen.push(await reader.revision());
    };
    await step(() => writer.register("relevance", sampleDraft(3)));
    await step(() => writer.promote("relevance", 1));
    await step(() => writer.promote("relevance", 1)); // no-op
    await step(() => writer.promote("relevance", 2));
    await step(() => writer.rollback("relevance"));
    await step(() =>
      writer.setTrafficPolicy("relevance", { split: [{ version: 1, weight: 1 }], shadow: [2] }),
    );
    await step(() => writer.deleteVersion("relevance", 3));
    assert.deepEqual(seen, [0, 0, 1, 1, 2, 3, 4, 4]);
    writer.close();
    reader.close();
  });

  it("shows versions with aliases, metrics, clock-stamped registration and the traffic policy", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 2);
    await registry.promote("relevance", 2);
    const details = await registry.show("relevance");
    assert.equal(details.latest, 2);
    assert.deepEqual(details.aliases, { production: 2 });
    assert.deepEqual(
      details.versions.map((v) => [v.version, v.aliases, v.registeredAt, v.runId]),
      [
        [1, [], "2025-01-01T00:00:01.000Z", "run-1"],
        [2, ["production"], "2025-01-01T00:00:03.000Z", "run-2"],
      ],
    );
    assert.deepEqual(details.versions[0]?.metrics.test, { f1: 0.79, recall: 0.77 });
    assert.ok((details.versions[0]?.bytes ?? 0) > 16);
    assert.deepEqual(details.trafficPolicy, { split: [], shadow: [] });
    registry.close();
  });
});

describe("registry: traffic policies", () => {
  it("stores a valid policy and returns it", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 3);
    const policy = {
      split: [
        { version: 1, weight: 0.9 },
        { version: 2, weight: 0.1 },
      ],
      shadow: [3],
    };
    await registry.setTrafficPolicy("relevance", policy);
    assert.deepEqual(await registry.getTrafficPolicy("relevance"), policy);
    registry.close();
  });

  it("refuses malformed policies with TRAFFIC_POLICY_INVALID and keeps the old one", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 2);
    const bad: Array<[unknown, RegExp]> = [
      [null, /not an object/],
      [{ split: [] }, /must be arrays/],
      [{ split: [{ version: 1, weight: 0.5 }], shadow: [] }, /sum to 0.5/],
      [
        {
          split: [
            { version: 1, weight: 0 },
            { version: 2, weight: 1 },
          ],
          shadow: [],
        },
        /not in \(0, 1\]/,
      ],
      [
        {
          split: [
            { version: 1, weight: 0.5 },
            { version: 1, weight: 0.5 },
          ],
          shadow: [],
        },
        /twice in split/,
      ],
      [{ split: [{ version: "1", weight: 1 }], shadow: [] }, /not a version number/],
      [{ split: [], shadow: [2, 2] }, /twice in shadow/],
      [{ split: [], shadow: [1.5] }, /not a version number/],
      [{ split: [{ version: 9, weight: 1 }], shadow: [] }, /version 9 does not exist/],
    ];
    for (const [policy, message] of bad) {
      await assert.rejects(
        registry.setTrafficPolicy("relevance", policy as never),
        { code: "TRAFFIC_POLICY_INVALID", message },
        JSON.stringify(policy),
      );
    }
    await assert.rejects(registry.setTrafficPolicy("ghost", { split: [], shadow: [] }), {
      code: "MODEL_NOT_FOUND",
    });
    assert.deepEqual(await registry.getTrafficPolicy("relevance"), { split: [], shadow: [] });
    assert.equal(await registry.revision(), 0);
    registry.close();
  });
});

describe("registry: verify and crash leftovers", () => {
  it("finds a tampered data file and a rewritten manifest; load refuses both", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 2);
    assert.deepEqual(await registry.verify(), {
      ok: true,
      checked: 2,
      problems: [],
      orphans: [],
      repaired: [],
    });
    const v1 = path.join(registry.root, "models", "relevance", "1");
    await fs.appendFile(path.join(v1, "vocab.json"), " ");
    // A consistent-looking manifest edit (better metrics) is caught by the digest pinned in the index.
    const manifestPath = path.join(registry.root, "models", "relevance", "2", "manifest.json");
    const manifest = JSON.parse(await fs.readFile(manifestPath, "utf8"));
    manifest.metrics.test.f1 = 0.99;
    await fs.writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await assert.rejects(registry.load("relevance", 1), {
      code: "ARTIFACT_TAMPERED",
      message: /vocab\.json/,
    });
    await assert.rejects(registry.load("relevance", 2), {
      code: "ARTIFACT_TAMPERED",
      message: /manifest\.json/,
    });
    const report = await registry.verify();
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => [p.name, p.version, p.problem.split(":")[0]]),
      [
        ["relevance", 1, "ARTIFACT_TAMPERED"],
        ["relevance", 2, "ARTIFACT_TAMPERED"],
      ],
    );
    registry.close();
  });

  it("reports a version whose directory vanished", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 1);
    await fs.rm(path.join(registry.root, "models", "relevance", "1"), { recursive: true });
    const report = await registry.verify({ repair: true });
    assert.equal(report.ok, false);
    assert.match(report.problems[0]?.problem ?? "", /ARTIFACT_INVALID: .*manifest\.json is missing/);
    registry.close();
  });

  it("ignores crash leftovers when reading, lists them, and removes them on repair", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 1);
    const root = registry.root;
    const deadPid = 2 ** 22 + 17; // above Linux's pid_max default: never a live process
    await fs.mkdir(path.join(root, "tmp", `stage-${deadPid}-0123abcd`), { recursive: true });
    await fs.mkdir(path.join(root, "models", "relevance", "7"), { recursive: true });
    await fs.writeFile(path.join(root, "models", "stray-file"), "x");
    const report = await registry.verify();
    assert.equal(report.ok, true);
    assert.deepEqual(report.orphans, [
      "models/relevance/7",
      "models/stray-file",
      `tmp/stage-${deadPid}-0123abcd`,
    ]);
    assert.deepEqual((await registry.list())[0]?.versions, 1);
    const repaired = await registry.verify({ repair: true });
    assert.deepEqual(repaired.repaired, report.orphans);
    assert.deepEqual(repaired.orphans, []);
    assert.deepEqual(await fs.readdir(path.join(root, "tmp")), []);
    registry.close();
  });

  it("leaves a live writer's staging dir alone on repair", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 0);
    const live = `stage-${process.ppid}-00ff`;
    await fs.mkdir(path.join(registry.root, "tmp", live), { recursive: true });
    const report = await registry.verify({ repair: true });
    assert.deepEqual(report.repaired, []);
    assert.deepEqual(report.orphans, [`tmp/${live}`]);
    registry.close();
  });

  it("moves aside a directory left at the next version number by a crash before commit", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 1);
    const leftover = path.join(registry.root, "models", "relevance", "2");
    await fs.mkdir(leftover);
    await fs.writeFile(path.join(leftover, "weights.bin"), "half-written");
    assert.equal((await registry.register("relevance", sampleDraft(2))).version, 2);
    assert.equal((await registry.load("relevance", 2)).manifest.runId, "run-2");
    assert.deepEqual(await registry.verify(), {
      ok: true,
      checked: 2,
      problems: [],
      orphans: [],
      repaired: [],
    });
    registry.close();
  });
});

describe("registry: nothing from a request reaches outside the store", () => {
  it("refuses traversal and separators in every name a caller passes", async () => {
    await using tmp = await tempDir();
    const registry = await storeWith(tmp.dir, 1);
    const names = ["..", "../outside", "a/b", "/etc", "a\\b", "..\\x", "%2e%2e", ".", "x/../../y"];
    for (const name of names) {
      await assert.rejects(registry.register(name, sampleDraft()), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.load(name, 1), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.show(name), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.promote(name, 1), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.rollback(name), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.deleteVersion(name, 1), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.resolve(`${name}@1`), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(registry.getTrafficPolicy(name), { code: "MODEL_REF_INVALID" }, name);
      await assert.rejects(
        registry.setTrafficPolicy(name, { split: [], shadow: [] }),
        { code: "MODEL_REF_INVALID" },
        name,
      );
    }
    const draft = sampleDraft();
    await assert.rejects(
      registry.register("relevance", { ...draft, files: { "../../escape.bin": new Uint8Array(1) } }),
      { code: "ARTIFACT_INVALID" },
    );
    assert.deepEqual(await fs.readdir(tmp.dir), ["store"]);
    assert.deepEqual(await fs.readdir(path.join(registry.root, "models")), ["relevance"]);
    assert.deepEqual(await fs.readdir(path.join(registry.root, "tmp")), []);
    registry.close();
  });
});
