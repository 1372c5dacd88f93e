/**
 * Predictions without a server (`sift predict`): the same loading, verification and labelling as
 * the service, once, then the store is closed.
 */
import { openRegistry } from "../registry/index.ts";
import { ModelManager } from "./model-manager.ts";
import { DEFAULT_MODEL_REF, parseModelRef } from "./model-ref.ts";
import { registrySource } from "./model-source.ts";
import { Predictor } from "./predictor.ts";
import type { PredictOutcome } from "./types.ts";

export interface OfflinePredictOptions {
  readonly store: string;
  /** name, name@alias or name@version; default relevance@production. */
  readonly model?: string;
  readonly sentences: readonly string[];
  readonly explain?: boolean;
}

export async function predictOffline(options: OfflinePredictOptions): Promise<PredictOutcome> {
  const ref = parseModelRef(options.model ?? DEFAULT_MODEL_REF);
  const registry = openRegistry(options.store);
  try {
    const manager = new ModelManager({ source: registrySource(registry), refs: [ref], pollMs: 0 });
    let failure: Error | undefined;
    manager.onEvent((event) => {
      if (event.type !== "loaded") failure = event.error;
    });
    await manager.start();
    if (!manager.ready()) throw failure ?? new Error("the model did not load");
    const predictor = new Predictor(manager, () => undefined);
    return predictor.predict({
      sentences: options.sentences,
      explain: options.explain === true,
      protocol: "rest",
    });
  } finally {
    registry.close();
  }
}
