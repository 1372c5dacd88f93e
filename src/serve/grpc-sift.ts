/** sift.v1.Predictor: sift's own gRPC service, the same answers as POST /v1/predict[/batch]. */
import type { Predictor } from "./predictor.ts";
import { checkSentences } from "./sentence-checks.ts";
import type { PredictOutcome, ServeLimits } from "./types.ts";

export interface GrpcPredictRequest {
  readonly sentence: string;
  readonly explain: boolean;
  readonly model: string;
}

export interface GrpcPredictBatchRequest {
  readonly sentences: readonly string[];
  readonly model: string;
}

function modelRef(outcome: PredictOutcome) {
  return { name: outcome.model.name, version: outcome.model.version };
}

export function siftGrpcHandlers(predictor: Predictor, limits: ServeLimits) {
  return {
    Predict: (request: GrpcPredictRequest) => {
      checkSentences([request.sentence], "sentence", limits);
      const outcome = predictor.predict({
        sentences: [request.sentence],
        explain: request.explain,
        route: { model: request.model === "" ? undefined : request.model },
        protocol: "grpc",
      });
      const prediction = outcome.predictions[0];
      return {
        label: prediction?.label,
        probability: prediction?.probability,
        threshold: outcome.model.manifest.threshold,
        model: modelRef(outcome),
        id: prediction?.id,
        explanation: outcome.explanation ?? null,
      };
    },
    PredictBatch: (request: GrpcPredictBatchRequest) => {
      checkSentences(request.sentences, "sentences", limits);
      const outcome = predictor.predict({
        sentences: request.sentences,
        route: { model: request.model === "" ? undefined : request.model },
        protocol: "grpc",
      });
      return {
        predictions: outcome.predictions,
        threshold: outcome.model.manifest.threshold,
        model: modelRef(outcome),
      };
    },
  };
}
