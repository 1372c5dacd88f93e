/**
 * Request and response schemas, written once with TypeBox: Fastify validates requests with them,
 * serialises responses with them, and @fastify/swagger turns them into the OpenAPI document.
 * Limits come from the server's options, so the document states the limits a server enforces.
 */
import { type Static, Type } from "typebox";
import { NAME_PATTERN } from "./model-ref.ts";
import type { ServeLimits } from "./types.ts";

/** At least one character that is not whitespace. */
export const NON_BLANK = "\\S";

export function sentenceSchema(limits: ServeLimits) {
  return Type.String({
    minLength: 1,
    maxLength: limits.maxSentenceLength,
    pattern: NON_BLANK,
    description: `Text to classify: not blank, at most ${limits.maxSentenceLength} characters.`,
    examples: ["Forest fire near La Ronge Sask. Canada"],
  });
}

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description: "Stable error code (see README, 'Errors').",
        examples: ["INVALID_REQUEST"],
      }),
      message: Type.String({ description: "What went wrong and what to do about it." }),
    }),
  },
  { description: "Every error sift answers has this shape." },
);

export const ModelRefBody = Type.Object(
  {
    name: Type.String({ examples: ["relevance"] }),
    version: Type.Integer({ minimum: 1, examples: [3] }),
  },
  { description: "The model version that produced the answer." },
);

export const ExplanationBody = Type.Object(
  {
    score: Type.Number({ description: "Decision score in log-odds; probability = sigmoid(score)." }),
    bias: Type.Number(),
    features: Type.Array(
      Type.Object({
        feature: Type.String({ examples: ["word:fire"] }),
        contribution: Type.Number({
          description: "Log-odds contribution; positive pushes towards the positive label.",
        }),
      }),
      { description: "The features that drove the decision, largest effect first." },
    ),
  },
  { description: "Why the model decided as it did." },
);

/** A caller key for A/B splits: the same key always gets the same version (or header x-sift-key). */
const STICKY_KEY = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "Sticky A/B key (e.g. a user id): the same key always lands on the same version.",
});

export function predictRequestSchema(limits: ServeLimits) {
  return Type.Object(
    {
      sentence: sentenceSchema(limits),
      explain: Type.Optional(
        Type.Boolean({ default: false, description: "Add the features behind the decision." }),
      ),
      key: Type.Optional(STICKY_KEY),
    },
    { additionalProperties: false },
  );
}

export const PredictResponse = Type.Object({
  label: Type.String({ examples: ["Relevant"] }),
  probability: Type.Number({ minimum: 0, maximum: 1, description: "P(positive label)." }),
  threshold: Type.Number({ description: "Probability at or above which the positive label is returned." }),
  model: ModelRefBody,
  id: Type.String({
    format: "uuid",
    description: "Prediction id (UUID v7); quote it when sending feedback.",
  }),
  explanation: Type.Optional(ExplanationBody),
});

export function batchRequestSchema(limits: ServeLimits) {
  return Type.Object(
    {
      sentences: Type.Array(sentenceSchema(limits), {
        minItems: 1,
        maxItems: limits.maxBatch,
        description: `1 to ${limits.maxBatch} sentences.`,
      }),
      key: Type.Optional(STICKY_KEY),
    },
    { additionalProperties: false },
  );
}

export const BatchResponse = Type.Object({
  predictions: Type.Array(
    Type.Object({
      label: Type.String(),
      probability: Type.Number({ minimum: 0, maximum: 1 }),
      id: Type.String({ format: "uuid" }),
    }),
    { description: "One prediction per sentence, in request order." },
  ),
  threshold: Type.Number(),
  model: ModelRefBody,
});

export const ModelInfo = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  reference: Type.String({
    description: "What the server follows, e.g. relevance@production.",
    examples: ["relevance@production"],
  }),
  labels: Type.Object({ positive: Type.String(), negative: Type.String() }),
  threshold: Type.Number(),
  createdAt: Type.String({ format: "date-time" }),
  loadedAt: Type.String({ format: "date-time" }),
  loadMs: Type.Number({ description: "Time taken to read, verify and warm the model, in ms." }),
  dataFingerprint: Type.String(),
  runId: Type.Union([Type.String(), Type.Null()]),
  metrics: Type.Object({
    validation: Type.Record(Type.String(), Type.Number()),
    test: Type.Record(Type.String(), Type.Number()),
  }),
});

export const ModelList = Type.Object({ models: Type.Array(ModelInfo) });

export const ModelNameParams = Type.Object({
  name: Type.String({ pattern: NAME_PATTERN, maxLength: 100, description: "Model name." }),
});

export const ModelVersionParams = Type.Object({
  name: Type.String({ pattern: NAME_PATTERN, maxLength: 100, description: "Model name." }),
  version: Type.String({ pattern: "^[1-9][0-9]{0,8}$", description: "Model version number." }),
});

export const Health = Type.Object({ status: Type.String({ examples: ["ok"] }) });
export const Readiness = Type.Object({
  status: Type.String({ examples: ["ready"] }),
  models: Type.Array(ModelRefBody),
});

export type PredictBody = { sentence: string; explain?: boolean; key?: string };
export type PredictAnswer = Static<typeof PredictResponse>;
export type BatchBody = { sentences: string[] };
export type ModelInfoBody = Static<typeof ModelInfo>;
