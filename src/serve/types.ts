/**
 * serve's contract: what a served model is, how a request is routed to one, and the hook a
 * prediction log can subscribe to. Transports (REST, V2, gRPC) only see these types.
 */
import type { Explanation, TextClassifier } from "../learn/index.ts";
import type { Manifest } from "../registry/index.ts";

/** One loaded, verified model version. Immutable: a reload builds a new one and swaps it in. */
export interface ServedModel {
  readonly name: string;
  readonly version: number;
  /** The reference it was loaded for, e.g. `relevance@production` or `relevance@3`. */
  readonly ref: string;
  readonly manifest: Manifest;
  readonly classifier: TextClassifier;
  /** ISO time the version finished loading. */
  readonly loadedAt: string;
  /** Time to read, verify, build and warm the classifier, in ms. */
  readonly loadMs: number;
}

/** What a transport knows about a request when it asks which model should answer it. */
export interface RouteRequest {
  /** Model name the caller asked for (V2 routes name it); absent = the default model. */
  readonly model?: string | undefined;
  /** A version the caller pinned (V2 `/versions/{v}`); it must be the one served. */
  readonly version?: number | undefined;
  /**
   * A stable caller key (e.g. a user id). Unused today; an A/B split hashes it so one caller
   * keeps seeing one version.
   */
  readonly key?: string | undefined;
}

export interface Prediction {
  /** UUID v7; quote it when sending feedback. */
  readonly id: string;
  readonly label: string;
  readonly probability: number;
}

export type Protocol = "rest" | "v2" | "grpc" | "grpc-v2";

/** Raised after every answered prediction request, for a prediction log or shadow scoring. */
export interface PredictionEvent {
  readonly model: ServedModel;
  readonly sentences: readonly string[];
  readonly predictions: readonly Prediction[];
  readonly protocol: Protocol;
  /** ms since the epoch when the request was scored. */
  readonly at: number;
}

export type PredictionHook = (event: PredictionEvent) => void;

export interface PredictOutcome {
  readonly model: ServedModel;
  readonly predictions: Prediction[];
  readonly explanation?: Explanation;
}

/** What happens to models over a server's life; metrics and logs listen to these. */
export type ModelEvent =
  | { readonly type: "loaded"; readonly model: ServedModel; readonly previous: ServedModel | undefined }
  | { readonly type: "refused"; readonly name: string; readonly version: number; readonly error: Error }
  | { readonly type: "unresolved"; readonly ref: string; readonly error: Error };

export interface ServeLimits {
  /** Longest sentence accepted, in characters (code points). */
  readonly maxSentenceLength: number;
  /** Most sentences in one batch or V2 request. */
  readonly maxBatch: number;
  /** Largest request body, in bytes. */
  readonly bodyLimit: number;
  /** Time allowed to receive a whole request, in ms (slow clients get 408). */
  readonly requestTimeoutMs: number;
  /** Time allowed from routing to response, in ms (then 503). */
  readonly handlerTimeoutMs: number;
}
