/**
 * The monitor's contract: what a served prediction hands to the log, what feedback looks like,
 * the training-time reference drift is measured against, and what the live summaries return.
 */

/** Which path produced a logged prediction: the answer returned, or a shadow's silent one. */
export type PredictionRoute = "primary" | "shadow";

/** What serving hands to `onPrediction` for each scored sentence (cheap to build: no hashing). */
export interface PredictionEvent {
  /** The prediction id returned to the caller (shadow rows get their own id). */
  readonly id: string;
  /** The id of the primary prediction of the same request; feedback joins through it. */
  readonly requestId?: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly model: string;
  readonly version: number;
  /** P(positive label). */
  readonly score: number;
  readonly label: string;
  readonly latencyMs: number;
  readonly route: PredictionRoute;
  /** The traffic-policy variant that chose this version, e.g. "default", "split", "shadow". */
  readonly variant: string;
  /** The raw sentence; hashed (and kept only when configured) off the request path. */
  readonly sentence: string;
  /**
   * Shadow versions that also score this sentence in the log's writer thread (primary rows of a
   * log opened with `LogConfig.shadows`): `name@version` refs joined by ",". Absent or "": none.
   */
  readonly shadows?: string;
}

/** A row of the prediction log as stored and exported. */
export interface PredictionRow {
  readonly id: string;
  readonly requestId: string;
  readonly time: number;
  readonly model: string;
  readonly version: number;
  readonly score: number;
  readonly label: string;
  readonly latencyMs: number;
  readonly route: PredictionRoute;
  readonly variant: string;
  /** sha256 of the sentence, hex. */
  readonly sentenceHash: string;
  /** The sentence, only when the log is configured to keep sentences. */
  readonly sentence: string | null;
  /** Number of tokens in the sentence. */
  readonly tokens: number;
  /** Tokens not in the training reference vocabulary (0 when the model has no reference). */
  readonly oovTokens: number;
}

/** Feedback as posted: a prediction id or the sentence itself, and the true label. */
export interface FeedbackInput {
  readonly id?: string;
  readonly sentence?: string;
  readonly label: string;
}

/**
 * What recording feedback did. `created`: a new row; `unchanged`: the same label was already
 * recorded for this prediction (idempotent); `replaced`: a different label for the same
 * prediction overwrote the earlier one (the latest correction wins).
 */
export interface FeedbackResult {
  readonly status: "created" | "unchanged" | "replaced";
  /** The prediction the feedback joined to, or null for a sentence never predicted. */
  readonly predictionId: string | null;
  readonly label: string;
}

export interface FeedbackRow {
  readonly predictionId: string | null;
  readonly sentenceHash: string;
  readonly sentence: string | null;
  readonly label: string;
  readonly time: number;
}

/** A histogram over fixed bins: `edges` has one more entry than `counts`. */
export interface Histogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/**
 * Training-time distributions kept in the artifact's `manifest.reference` (written by the
 * pipeline, read here through `parseReference`, which accepts the variants documented there).
 */
export interface DriftReference {
  /** Histogram of P(positive) on held-out training data. */
  readonly score: Histogram;
  /** Histogram of sentence length in tokens. */
  readonly length: Histogram;
  /** Most frequent training tokens (the OOV rate is measured against this set). */
  readonly vocabulary: readonly string[];
  /** Share of each label in the training data; sums to 1. */
  readonly labelMix: Readonly<Record<string, number>>;
  /** Share of training tokens outside `vocabulary` (the OOV baseline); 0 when not recorded. */
  readonly oovRate: number;
}

export interface DriftThresholds {
  /** PSI of the score distribution above which drift is flagged (0.2 is the usual "major shift"). */
  readonly scorePsi: number;
  /** PSI of the sentence-length distribution. */
  readonly lengthPsi: number;
  /** Absolute rise of the OOV-token rate over the training baseline. */
  readonly oovRise: number;
  /** Largest absolute change of any label's share. */
  readonly labelShift: number;
  /** Fewer live predictions than this and no alert is raised (too little to judge). */
  readonly minSamples: number;
}

export interface DriftSignals {
  readonly samples: number;
  readonly scorePsi: number;
  readonly lengthPsi: number;
  readonly oovRate: number;
  /** OOV rate of the reference vocabulary on its own training data (0 when unknown). */
  readonly oovBaseline: number;
  readonly labelMix: Readonly<Record<string, number>>;
  readonly labelShift: number;
}

export interface DriftReport extends DriftSignals {
  readonly model: string;
  readonly version: number;
  /** Which signals crossed their thresholds; empty = no alert. */
  readonly alerts: readonly string[];
}

/** Live quality of one model version from predictions joined with feedback. */
export interface LiveMetrics {
  readonly model: string;
  readonly version: number;
  readonly route: PredictionRoute;
  readonly predictions: number;
  readonly labelled: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
  readonly meanLatencyMs: number;
}

/** One time bucket of the log, per model version, for the report's plots. */
export interface TimeBucket {
  readonly start: number;
  readonly model: string;
  readonly version: number;
  readonly route: PredictionRoute;
  readonly predictions: number;
  readonly positives: number;
  readonly tokens: number;
  readonly oovTokens: number;
  readonly scores: readonly number[];
  readonly labelled: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export interface LogConfig {
  /** SQLite file of the prediction log. */
  readonly path: string;
  /** Keep the sentence text in the log (default false: only its sha256). */
  readonly keepSentences?: boolean;
  /** Bounded queue capacity; beyond it entries are dropped and counted. Default 10 000. */
  readonly queueCapacity?: number;
  /**
   * Flush when this many entries wait. Default 2 000: the writer's cost a row falls with the
   * size of its transactions (fewer commits, each index page written once for more rows).
   */
  readonly batchSize?: number;
  /** Flush at least this often, in ms. Default 200 (what a log reader may lag behind). */
  readonly flushIntervalMs?: number;
  /** Delete rows older than this many days at prune time. Default 30. */
  readonly maxAgeDays?: number;
  /** Keep at most this many prediction rows (oldest deleted first). Default 5 000 000. */
  readonly maxRows?: number;
  /** Shadow scoring in the writer thread; without it, `PredictionEvent.shadows` is ignored. */
  readonly shadows?: WriterShadowConfig;
}

/**
 * Where the writer thread gets its shadow scorer: a module (by URL) whose `createShadowScorer`
 * builds one for `store`. A module rather than a function because the writer is another isolate;
 * the monitor stays free of any model code, which only loads once a shadow is in use.
 */
export interface WriterShadowConfig {
  readonly scorerUrl: string;
  readonly store: string;
  /**
   * A version is benched when one call takes longer than this per sentence (ms, default 5; a
   * normal model takes ~0.02) and longer than `slowCallMs` in all (default 50): one short call
   * slowed by a pause or a busy core must not bench a healthy version.
   */
  readonly slowMsPerSentence?: number;
  readonly slowCallMs?: number;
  /** How long a benched version is skipped, in ms. Default 60 000. */
  readonly benchMs?: number;
}

/** What a shadow scorer module exports (see WriterShadowConfig). */
export interface ShadowScorerModule {
  createShadowScorer(store: string): ShadowScorer;
}

/** Scores sentences with shadow versions, inside the log's writer thread. */
export interface ShadowScorer {
  /** Loads (reads, verifies, warms) a version; rejects when it cannot be served. */
  prepare(name: string, version: number): Promise<void>;
  /**
   * The version's answers for `sentences`, or null while it is still loading (it starts loading
   * at the first call). Throws when the version cannot be loaded or scored.
   */
  score(name: string, version: number, sentences: readonly string[], now: number): ShadowScores | null;
}

export interface ShadowScores {
  /** P(positive label) per sentence. */
  readonly scores: ArrayLike<number>;
  /** The label each sentence gets, and a fresh prediction id for each (ids sort by time). */
  readonly labels: readonly string[];
  readonly ids: readonly string[];
}

/** Shadow scoring in the writer since the last report: predictions scored, failed and skipped. */
export interface ShadowCounts {
  readonly scored: number;
  readonly failed: number;
  /** Not scored: the version was loading or benched, or the writer was behind. */
  readonly skipped: number;
  /** Versions benched for being slow. */
  readonly benched: number;
  readonly errors: readonly string[];
}

/** A milestone of the loop, shown on the report's timeline. */
export interface LoopEvent {
  readonly time: number;
  /** e.g. "model_loaded", "traffic_policy", "drift_alert", "drift_cleared", "candidate", "promoted". */
  readonly kind: string;
  readonly model: string | null;
  readonly version: number | null;
  readonly detail: string;
}

/** A point-in-time view of the whole loop, for `/v1/monitor/summary` and the dashboard. */
export interface MonitorSummary {
  readonly generatedAt: number;
  readonly log: {
    readonly rows: number;
    readonly feedback: number;
    readonly queued: number;
    readonly dropped: number;
    readonly written: number;
  };
  readonly live: readonly LiveMetrics[];
  readonly drift: readonly DriftReport[];
  readonly series: readonly TimeBucket[];
  readonly trend: readonly TrendPoint[];
  readonly events: readonly LoopEvent[];
}

/** Drift and quality of one model version in one time bucket (the report's plots). */
export interface TrendPoint {
  readonly start: number;
  readonly model: string;
  readonly version: number;
  readonly route: PredictionRoute;
  readonly predictions: number;
  /** null when the version has no reference. */
  readonly scorePsi: number | null;
  readonly oovRate: number;
  readonly positiveShare: number;
  readonly labelled: number;
  /** Over all buckets so far (cumulative), null until the first labelled prediction. */
  readonly precision: number | null;
  readonly recall: number | null;
}
