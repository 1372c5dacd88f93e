/**
 * A registry client run as a separate process by the registry's concurrency and crash tests.
 *   node test/registry-child.ts once <store> <seed> [count]  prints "ready", waits for "go" on stdin,
 *                                                           registers `count` versions, prints them
 *   node test/registry-child.ts churn <store> <seed>         prints "ready", then registers, promotes
 *                                                           and deletes old versions until killed
 */
import { createInterface } from "node:readline";
import { type ArtifactDraft, openRegistry } from "../src/registry/index.ts";

const MODEL = "relevance";

/** A small artifact, so each crash-test round is quick; `seed` makes its bytes differ. */
export function childDraft(seed: number): ArtifactDraft {
  const weights = new Float64Array(64).map((_, i) => Math.sin(seed * 31 + i));
  return {
    manifest: {
      createdAt: new Date(Date.UTC(2025, 0, 1) + seed * 1000).toISOString(),
      labels: { positive: "Relevant", negative: "Not Relevant" },
      threshold: 0.5,
      classifier: { kind: "test", params: { seed } },
      metrics: { validation: { f1: 0.8 }, test: { f1: 0.8 } },
      dataFingerprint: "0".repeat(64),
      trainingConfig: { seed },
      codeVersion: null,
      reference: null,
      runId: `child-${process.pid}-${seed}`,
    },
    files: {
      "weights.bin": new Uint8Array(weights.buffer),
      "vocab.json": new TextEncoder().encode(JSON.stringify({ seed, words: ["fire", "flood", "storm"] })),
    },
  };
}

async function once(store: string, seed: number, count: number): Promise<void> {
  const registry = openRegistry(store);
  process.stdout.write("ready\n");
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === "go") break;
  lines.close();
  const versions: number[] = [];
  for (let i = 0; i < count; i++)
    versions.push((await registry.register(MODEL, childDraft(seed * 100 + i))).version);
  process.stdout.write(`${JSON.stringify(versions)}\n`);
  registry.close();
}

async function churn(store: string, seed: number): Promise<never> {
  const registry = openRegistry(store);
  process.stdout.write("ready\n");
  for (let i = 0; ; i++) {
    const { version } = await registry.register(MODEL, childDraft(seed * 1000 + i));
    await registry.promote(MODEL, version);
    const details = await registry.show(MODEL);
    const old = details.versions.find((v) => v.aliases.length === 0 && v.version < version - 2);
    if (old !== undefined) await registry.deleteVersion(MODEL, old.version);
    if (i % 4 === 3) await registry.rollback(MODEL);
  }
}

const [mode, store, seedText, countText] = process.argv.slice(2);
if (store !== undefined && mode === "once") await once(store, Number(seedText ?? 1), Number(countText ?? 1));
else if (store !== undefined && mode === "churn") await churn(store, Number(seedText ?? 1));
else if (import.meta.main) {
  process.stderr.write("usage: registry-child.ts once|churn <store> <seed> [count]\n");
  process.exitCode = 2;
}
