/**
 * The Open Inference Protocol (KServe V2) tensor rules sift applies, shared by the REST and gRPC
 * forms: one BYTES input of shape [N] or [N, 1] holding sentences; outputs `label` (BYTES),
 * `probability` (FP64) and `id` (BYTES, the prediction ids), each of shape [N].
 */
import { siftError } from "../errors.ts";
import { checkSentences } from "./sentence-checks.ts";
import type { PredictOutcome, ServedModel, ServeLimits } from "./types.ts";

export const V2_INPUT = { name: "text", datatype: "BYTES", shape: [-1] } as const;
export const V2_OUTPUTS = [
  { name: "label", datatype: "BYTES", shape: [-1] },
  { name: "probability", datatype: "FP64", shape: [-1] },
  { name: "id", datatype: "BYTES", shape: [-1] },
] as const;
export type V2OutputName = (typeof V2_OUTPUTS)[number]["name"];

export const V2_PLATFORM = "sift";

export interface V2ModelMetadata {
  readonly name: string;
  readonly versions: string[];
  readonly platform: string;
  readonly inputs: Array<{ name: string; datatype: string; shape: number[] }>;
  readonly outputs: Array<{ name: string; datatype: string; shape: number[] }>;
}

export function v2ModelMetadata(model: ServedModel): V2ModelMetadata {
  return {
    name: model.name,
    versions: [String(model.version)],
    platform: V2_PLATFORM,
    inputs: [{ ...V2_INPUT, shape: [...V2_INPUT.shape] }],
    outputs: V2_OUTPUTS.map((output) => ({ ...output, shape: [...output.shape] })),
  };
}

/** The header of an input tensor, whichever form carried its data. */
export interface V2InputHeader {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

/** Checks the one input's header and that `count` elements fill its shape. */
export function checkV2Input(inputs: readonly V2InputHeader[], count: number, limits: ServeLimits): void {
  if (inputs.length !== 1) {
    throw siftError(
      "INVALID_REQUEST",
      `inputs holds ${inputs.length} tensors; send exactly one BYTES tensor of sentences.`,
    );
  }
  const input = inputs[0] as V2InputHeader;
  if (input.datatype !== "BYTES") {
    throw siftError(
      "INVALID_REQUEST",
      `inputs[0].datatype is ${JSON.stringify(input.datatype)}; sentences are BYTES.`,
    );
  }
  const { shape } = input;
  const rows = shape[0];
  const valid = rows !== undefined && (shape.length === 1 || (shape.length === 2 && shape[1] === 1));
  if (!valid)
    throw siftError("INVALID_REQUEST", `inputs[0].shape is [${shape.join(", ")}]; use [N] or [N, 1].`);
  if (rows !== count) {
    throw siftError("INVALID_REQUEST", `inputs[0].shape says ${rows} sentences but the data holds ${count}.`);
  }
  if (count > limits.maxBatch) throw siftError("BATCH_TOO_LARGE", "inputs[0]", limits.maxBatch);
}

/** Flattens REST V2 `data` ([s, …] or [[s], …]) into sentences, refusing anything but strings. */
export function sentencesFromJsonData(data: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const item of data) {
    if (typeof item === "string") out.push(item);
    else if (Array.isArray(item) && item.length === 1 && typeof item[0] === "string") out.push(item[0]);
    else throw siftError("INVALID_REQUEST", "inputs[0].data must hold strings (BYTES), flat or as [[s], …].");
  }
  return out;
}

export function checkV2Sentences(sentences: readonly string[], limits: ServeLimits): void {
  checkSentences(sentences, "inputs[0].data", limits);
}

/** Which outputs to return: all, or the requested ones (unknown names are refused). */
export function requestedOutputs(
  requested: ReadonlyArray<{ readonly name: string }> | undefined,
): V2OutputName[] {
  if (requested === undefined || requested.length === 0) return V2_OUTPUTS.map((o) => o.name);
  const known = new Set<string>(V2_OUTPUTS.map((o) => o.name));
  return requested.map(({ name }) => {
    if (!known.has(name)) {
      throw siftError(
        "INVALID_REQUEST",
        `outputs names ${JSON.stringify(name)}; sift returns label, probability and id.`,
      );
    }
    return name as V2OutputName;
  });
}

export interface V2OutputTensor {
  readonly name: V2OutputName;
  readonly datatype: "BYTES" | "FP64";
  readonly shape: number[];
  readonly data: string[] | number[];
}

export function v2OutputTensors(outcome: PredictOutcome, names: readonly V2OutputName[]): V2OutputTensor[] {
  const n = outcome.predictions.length;
  return names.map((name) => {
    if (name === "probability") {
      return { name, datatype: "FP64", shape: [n], data: outcome.predictions.map((p) => p.probability) };
    }
    const pick = name === "label" ? (p: { label: string }) => p.label : (p: { id: string }) => p.id;
    return { name, datatype: "BYTES", shape: [n], data: outcome.predictions.map(pick) };
  });
}
