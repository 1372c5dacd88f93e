/**
 * Scoring: the one place every transport goes through. It asks the manager which model answers,
 * scores on that model only (so a swap mid-request cannot mix versions), labels by the
 * manifest's threshold and tells the prediction hooks.
 */
import { predictionId } from "./prediction-id.ts";
import type {
  Prediction,
  PredictionEvent,
  PredictionHook,
  PredictOutcome,
  Protocol,
  RouteRequest,
  ServedModel,
} from "./types.ts";

/** What the predictor needs from the model manager. */
export interface ModelRouter {
  route(request: RouteRequest): ServedModel;
}

export interface PredictRequest {
  readonly sentences: readonly string[];
  readonly route?: RouteRequest;
  readonly protocol: Protocol;
  /** Explain the first sentence (single-sentence requests only). */
  readonly explain?: boolean;
}

const EXPLAIN_TOP = 10;

/** Labels probabilities with `model`'s threshold: at or above it is the positive label. */
export function labelPredictions(model: ServedModel, probabilities: Float64Array, at: number): Prediction[] {
  const { threshold, labels } = model.manifest;
  const out: Prediction[] = new Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) {
    const probability = probabilities[i] ?? Number.NaN;
    out[i] = {
      id: predictionId(at),
      label: probability >= threshold ? labels.positive : labels.negative,
      probability,
    };
  }
  return out;
}

export class Predictor {
  readonly #router: ModelRouter;
  readonly #hooks = new Set<PredictionHook>();
  readonly #onHookError: (error: unknown) => void;

  constructor(router: ModelRouter, onHookError: (error: unknown) => void) {
    this.#router = router;
    this.#onHookError = onHookError;
  }

  /** Subscribes a hook called after each scored request; returns the unsubscribe function. */
  onPrediction(hook: PredictionHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  predict(request: PredictRequest): PredictOutcome {
    // Taken once: everything below uses this model even if a newer one is swapped in meanwhile.
    const model = this.#router.route(request.route ?? {});
    const at = Date.now();
    const predictions = labelPredictions(model, model.classifier.predictProba(request.sentences), at);
    const first = request.sentences[0];
    const outcome: PredictOutcome =
      request.explain === true && first !== undefined
        ? { model, predictions, explanation: model.classifier.explain(first, EXPLAIN_TOP) }
        : { model, predictions };
    if (this.#hooks.size > 0)
      this.#notify({ model, sentences: request.sentences, predictions, protocol: request.protocol, at });
    return outcome;
  }

  #notify(event: PredictionEvent): void {
    for (const hook of this.#hooks) {
      try {
        hook(event);
      } catch (error) {
        // A broken log sink must never fail the caller's request.
        this.#onHookError(error);
      }
    }
  }
}
