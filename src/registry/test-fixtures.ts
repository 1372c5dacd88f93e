/** Small artifact drafts and temporary stores for the registry's tests (not part of the public surface). */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ArtifactDraft } from "./types.ts";

export function sampleDraft(seed = 1, extra: Partial<ArtifactDraft["manifest"]> = {}): ArtifactDraft {
  const weights = new Float32Array([seed, seed / 2, -seed, 0.25]);
  return {
    manifest: {
      createdAt: "2025-01-02T03:04:05.000Z",
      labels: { positive: "Relevant", negative: "Not Relevant" },
      threshold: 0.5,
      classifier: { kind: "logistic", params: { c: 1, seed }, parts: {} },
      metrics: { validation: { f1: 0.8, precision: 0.81 }, test: { f1: 0.79, recall: 0.77 } },
      dataFingerprint: "f".repeat(64),
      trainingConfig: { seed },
      codeVersion: "abc123",
      reference: null,
      runId: `run-${seed}`,
      ...extra,
    },
    files: {
      "weights.bin": new Uint8Array(weights.buffer),
      "vocab.json": new TextEncoder().encode(JSON.stringify({ fire: 0, flood: 1, seed })),
      "parts/featuriser.json": new TextEncoder().encode('{"ngrams":[1,2]}'),
    },
  };
}

export async function tempDir(
  prefix = "sift-registry-",
): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, [Symbol.asyncDispose]: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** A clock that advances one second per call, from a fixed start: deterministic timestamps, no sleeping. */
export function steppingClock(start = Date.UTC(2025, 0, 1)): () => Date {
  let now = start;
  return () => {
    const date = new Date(now);
    now += 1000;
    return date;
  };
}

export function fixedClock(at = Date.UTC(2025, 0, 1)): () => Date {
  return () => new Date(at);
}
