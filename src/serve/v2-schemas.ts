/** JSON schemas of the Open Inference Protocol (KServe V2) REST messages sift implements. */
import { Type } from "typebox";

const Parameters = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
  description: "Free-form parameters; accepted and ignored.",
});

const TensorMetadata = Type.Object({
  name: Type.String(),
  datatype: Type.String(),
  shape: Type.Array(Type.Integer()),
});

export const V2ServerMetadata = Type.Object({
  name: Type.String(),
  version: Type.String(),
  extensions: Type.Array(Type.String()),
});

export const V2Live = Type.Object({ live: Type.Boolean() });
export const V2Ready = Type.Object({ ready: Type.Boolean() });
export const V2ModelReady = Type.Object({ name: Type.String(), ready: Type.Boolean() });

export const V2ModelMetadataBody = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(TensorMetadata),
  outputs: Type.Array(TensorMetadata),
});

export const V2InferRequest = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 256 })),
    parameters: Type.Optional(Parameters),
    inputs: Type.Array(
      Type.Object(
        {
          name: Type.String({ maxLength: 256 }),
          shape: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1, maxItems: 2 }),
          datatype: Type.String({ maxLength: 16 }),
          parameters: Type.Optional(Parameters),
          data: Type.Array(
            Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1, maxItems: 1 })]),
            {
              description: "Sentences, flat ([s, …]) or one per row ([[s], …]).",
            },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1, description: "Exactly one BYTES tensor of sentences." },
    ),
    outputs: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String({ maxLength: 64 }), parameters: Type.Optional(Parameters) },
          { additionalProperties: false },
        ),
        { maxItems: 3 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const V2InferResponse = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.Optional(Type.String()),
  outputs: Type.Array(
    Type.Object({
      name: Type.String(),
      datatype: Type.String(),
      shape: Type.Array(Type.Integer()),
      data: Type.Union([Type.Array(Type.String()), Type.Array(Type.Number())]),
    }),
  ),
});
