import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { isSiftError } from "../errors.ts";
import { defaultConfig, loadConfig, resolveConfig } from "./index.ts";

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isSiftError(error), `expected a SiftError, got ${String(error)}`);
    assert.equal(error.code, "CONFIG_INVALID");
    return error.message;
  }
  assert.fail("expected CONFIG_INVALID");
}

describe("resolveConfig", () => {
  test("no overrides gives the defaults, which are valid", () => {
    assert.deepEqual(resolveConfig(undefined), defaultConfig());
    assert.deepEqual(resolveConfig({}), defaultConfig());
  });

  test("overrides merge into their section and keep the other defaults", () => {
    const config = resolveConfig({
      split: { train: 0.8, validation: 0.1, test: 0.1 },
      model: { cvFolds: 5 },
    });
    assert.equal(config.split.train, 0.8);
    assert.equal(config.model.cvFolds, 5);
    assert.equal(config.model.name, "relevance");
    assert.equal(config.threshold.rule, "precision-at-least");
  });

  test("a gate list replaces the default list rather than appending", () => {
    const config = resolveConfig({ gates: { metrics: [{ metric: "f1", min: 0.5 }] } });
    assert.deepEqual(config.gates.metrics, [{ metric: "f1", min: 0.5 }]);
  });

  test("an unknown top-level key is named with the allowed keys", () => {
    const message = configError(() => resolveConfig({ modle: {} }));
    assert.match(
      message,
      /^Config modle: is not a known key \(allowed here: seed, store, data, split, model/,
    );
  });

  test("an unknown nested key is named by its dotted path", () => {
    assert.match(
      configError(() => resolveConfig({ data: { cleaning: { urlz: "keep" } } })),
      /data\.cleaning\.urlz: is not a known key/,
    );
    assert.match(
      configError(() => resolveConfig({ gates: { metrics: [{ metric: "f1", mn: 1 }] } })),
      /gates\.metrics\[0\]\.mn/,
    );
  });

  test("a __proto__ key in a config file is refused as unknown, not silently dropped", () => {
    assert.match(
      configError(() => resolveConfig(JSON.parse('{"__proto__": {"seed": 7}}'))),
      /^Config __proto__:/,
    );
    assert.match(
      configError(() => resolveConfig(JSON.parse('{"split": {"__proto__": {"train": 0.5}}}'))),
      /split\.__proto__: is not a known key/,
    );
  });

  test("a bad value says what is allowed", () => {
    assert.match(
      configError(() => resolveConfig({ threshold: { rule: "best" } })),
      /threshold\.rule: is "best"; it must be one of: "max-f1", "precision-at-least", "fixed"/,
    );
    assert.match(
      configError(() => resolveConfig({ split: { train: 2 } })),
      /split\.train: is 2; it must be a number strictly between 0 and 1/,
    );
    assert.match(
      configError(() => resolveConfig({ model: { cvFolds: 1 } })),
      /model\.cvFolds: is 1; it must be an integer from 2 to 20/,
    );
    assert.match(
      configError(() => resolveConfig({ gates: { metrics: [{ metric: "prec" }] } })),
      /gates\.metrics\[0\]\.metric: is "prec"; it must be one of: "precision"/,
    );
    assert.match(
      configError(() => resolveConfig({ data: { cleaning: { urls: "drop" } } })),
      /data\.cleaning\.urls: is "drop"; it must be one of: "keep", "token", "strip"/,
    );
    assert.match(
      configError(() => resolveConfig({ model: { name: "a b" } })),
      /model\.name: is "a b"/,
    );
    assert.match(
      configError(() => resolveConfig({ seed: 1.5 })),
      /seed: is 1\.5; it must be an integer/,
    );
    assert.match(
      configError(() => resolveConfig({ model: { search: { C: [] } } })),
      /model\.search\.C: is \[\]; it must be a list of at least 1 item/,
    );
  });

  test("split ratios must add up to 1", () => {
    assert.match(
      configError(() => resolveConfig({ split: { train: 0.5 } })),
      /split: train \+ validation \+ test must be 1/,
    );
  });

  test("a config that is not a mapping is refused", () => {
    assert.match(
      configError(() => resolveConfig([1, 2])),
      /\(root\)/,
    );
    assert.match(
      configError(() => resolveConfig("text")),
      /\(root\)/,
    );
  });
});

describe("loadConfig", () => {
  let dir = "";
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sift-config-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("zero-config: no file in the directory gives the defaults", () => {
    assert.deepEqual(loadConfig({ cwd: dir }), { config: defaultConfig(), file: null });
  });

  test("reads sift.config.yaml from the directory", () => {
    fs.writeFileSync(path.join(dir, "sift.config.yaml"), "seed: 7\nmodel:\n  name: spam\n");
    const loaded = loadConfig({ cwd: dir });
    assert.equal(loaded.file, path.join(dir, "sift.config.yaml"));
    assert.equal(loaded.config.seed, 7);
    assert.equal(loaded.config.model.name, "spam");
  });

  test("reads JSON given with --config", () => {
    fs.writeFileSync(path.join(dir, "c.json"), JSON.stringify({ threshold: { rule: "fixed", value: 0.3 } }));
    assert.equal(loadConfig({ cwd: dir, file: "c.json" }).config.threshold.value, 0.3);
  });

  test("a missing --config file is CONFIG_NOT_FOUND", () => {
    assert.throws(() => loadConfig({ cwd: dir, file: "nope.yaml" }), { code: "CONFIG_NOT_FOUND" });
  });

  test("unparsable YAML is CONFIG_PARSE", () => {
    fs.writeFileSync(path.join(dir, "bad.yaml"), "seed: [1, 2\nmodel: {");
    assert.throws(() => loadConfig({ cwd: dir, file: "bad.yaml" }), { code: "CONFIG_PARSE" });
  });

  test("the example config in the repository is valid", () => {
    const example = new URL("../../sift.config.example.yaml", import.meta.url);
    const loaded = loadConfig({ file: example.pathname });
    assert.equal(loaded.config.model.name, "relevance");
  });
});
