/**
 * The shadow scorer the prediction log's writer thread loads (LogConfig.shadows): it reads shadow
 * versions from the registry itself — verified and warmed like any served version — and scores
 * the sentences of the primary rows the writer is about to store. It runs in the writer's isolate,
 * never on the server's event loop, so however slow a shadow is or if it throws, no response
 * waits for it. (Named `-worker` because the bundle builds every such module as its own entry,
 * which the writer thread imports by URL.)
 */

import type { ShadowScorer, ShadowScores } from "../monitor/index.ts";
import { openRegistry } from "../registry/index.ts";
import { registrySource } from "./model-source.ts";
import { predictionId } from "./prediction-id.ts";
import type { ServedModel } from "./types.ts";

/** How long a version that failed to load waits before the next attempt, in ms. */
const RETRY_MS = 5000;
/**
 * A loaded version nobody has asked to score for this long is dropped (each holds a whole model
 * in the writer's heap): experiments end by promote or clear, which the writer is not told of.
 * If its traffic comes back, the first call reloads it and the rows until then are skipped.
 */
const IDLE_MS = 10 * 60_000;

type Slot =
  | { readonly state: "loading"; readonly done: Promise<void> }
  | { readonly state: "ready"; readonly model: ServedModel; lastUsed: number }
  | { readonly state: "failed"; readonly error: unknown; readonly until: number };

export interface ShadowScorerOptions {
  readonly idleMs?: number;
}

export function createShadowScorer(store: string, options: ShadowScorerOptions = {}): ShadowScorer {
  const source = registrySource(openRegistry(store));
  const slots = new Map<string, Slot>();
  const idleMs = options.idleMs ?? IDLE_MS;
  let nextSweep = Date.now() + idleMs;

  const sweep = (now: number): void => {
    nextSweep = now + Math.min(idleMs, 60_000);
    for (const [key, slot] of slots) {
      if (slot.state === "ready" && now - slot.lastUsed > idleMs) slots.delete(key);
    }
  };

  const load = (name: string, version: number, key: string): Promise<void> => {
    const done = source.load(name, version, key).then(
      (model) => {
        slots.set(key, { state: "ready", model, lastUsed: Date.now() });
      },
      (error: unknown) => {
        slots.set(key, { state: "failed", error, until: Date.now() + RETRY_MS });
        throw error;
      },
    );
    slots.set(key, { state: "loading", done });
    return done;
  };

  return {
    async prepare(name: string, version: number): Promise<void> {
      const key = `${name}@${version}`;
      const slot = slots.get(key);
      if (slot?.state === "ready") {
        slot.lastUsed = Date.now();
        return;
      }
      if (slot?.state === "loading") return slot.done;
      return load(name, version, key);
    },
    score(name: string, version: number, sentences: readonly string[], now: number): ShadowScores | null {
      if (now >= nextSweep) sweep(now);
      const key = `${name}@${version}`;
      const slot = slots.get(key);
      if (slot === undefined || (slot.state === "failed" && slot.until <= now)) {
        // Counted as skipped by the caller; the failure, if any, shows at a later batch.
        load(name, version, key).catch(() => {});
        return null;
      }
      if (slot.state === "loading") return null;
      if (slot.state === "failed") throw slot.error;
      slot.lastUsed = now;
      return answer(slot.model, sentences, now);
    },
  };
}

function answer(model: ServedModel, sentences: readonly string[], now: number): ShadowScores {
  const scores = model.classifier.predictProba(sentences);
  const { threshold, labels: names } = model.manifest;
  const labels: string[] = new Array(scores.length);
  const ids: string[] = new Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    labels[i] = (scores[i] ?? Number.NaN) >= threshold ? names.positive : names.negative;
    ids[i] = predictionId(now);
  }
  return { scores, labels, ids };
}
