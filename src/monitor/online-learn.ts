/**
 * `sift learn`: new feedback applied to an SGD-based model, registered as a *candidate* version.
 *
 * - Production is an online model (`text-online`): a copy of it (loaded from its own files) gets
 *   `partialFit` on the new feedback — it continues exactly where training stopped.
 * - Otherwise (e.g. the batch `text-linear` ensemble, which cannot learn incrementally): a fresh
 *   hashing + SGD model (`defaultOnlineSpec`) is fitted on the training rows the caller passes plus
 *   the feedback, feedback winning where the same sentence appears in both. Later runs of
 *   `sift learn` then find an online candidate to continue from.
 *
 * A quarter of the feedback (chosen by sentence hash, so reruns agree) is held out: both the
 * candidate and production are scored on it, and the caller's gates (the pipeline's, passed in)
 * judge the candidate. Production never moves; only the `candidate` alias does, and only when
 * every gate passes.
 */
import { siftError } from "../errors.ts";
import {
  binaryReport,
  type ClassifierSpec,
  defaultOnlineSpec,
  fitClassifier,
  isOnlineClassifier,
  loadClassifier,
  type TextClassifier,
} from "../learn/index.ts";
import type { Manifest, Registry } from "../registry/index.ts";
import { sentenceHash } from "./tokens.ts";
import type { FeedbackRow } from "./types.ts";

export interface GateOutcome {
  readonly gate: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface LearnOptions {
  readonly registry: Registry;
  readonly name: string;
  /** The version to start from; default: what `production` points at. */
  readonly baseRef?: string;
  readonly feedback: readonly FeedbackRow[];
  /** Training rows for a base model that cannot learn online (texts, labels, and their keys). */
  readonly trainingRows?: () => Promise<TrainingRows>;
  /**
   * The pipeline's record of what a model was fitted on (its seen-keys file), so the candidate
   * says what it saw: a later champion gate then scores it only on rows new to it. Without it,
   * or when a partial-fit base has no such file, the candidate carries none (the gate falls back
   * to every test row).
   */
  readonly seenKeys?: SeenKeysCodec;
  /** The pipeline's gate evaluation: candidate test metrics vs the champion's value. */
  readonly gates: (
    metrics: Readonly<Record<string, number>>,
    champion: { version: number; value: number } | null,
  ) => readonly GateOutcome[];
  /** Metric the champion is compared on (the pipeline config's championMetric). */
  readonly championMetric: string;
  readonly seed?: number;
  readonly now?: () => Date;
}

export interface TrainingRows {
  readonly texts: readonly string[];
  readonly labels: readonly string[];
  /** The rows' normalised keys, as the split groups them (for the seen-keys file). */
  readonly keys?: readonly string[];
}

export interface SeenKeysCodec {
  /** The artifact file name, and what it holds (recorded in the manifest as training records it). */
  readonly file: string;
  readonly format: string;
  /** The key a sentence gets when it is cleaned as training data (feedback sentences are raw). */
  keyOf(sentence: string): string;
  encode(keys: Iterable<string>): Uint8Array;
  /** A base model's file plus `keys`; null when the base file is not one. */
  merge(base: Uint8Array, keys: Iterable<string>): Uint8Array | null;
}

export interface LearnResult {
  readonly base: { readonly version: number; readonly kind: string };
  readonly method: "partial-fit" | "refit-online";
  readonly version: number;
  readonly feedbackUsed: number;
  readonly holdout: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly championMetrics: Readonly<Record<string, number>>;
  readonly gates: readonly GateOutcome[];
  readonly gatesPassed: boolean;
  readonly candidate: boolean;
}

interface Example {
  readonly text: string;
  readonly y: number;
}

function examples(feedback: readonly FeedbackRow[], positive: string): Example[] {
  return feedback
    .filter(
      (row): row is FeedbackRow & { sentence: string } => row.sentence !== null && row.sentence.length > 0,
    )
    .map((row) => ({ text: row.sentence, y: row.label === positive ? 1 : 0 }));
}

/** Every fourth example by sentence hash is held out; with fewer than 8 examples, none is. */
export function holdoutSplit<T extends { text: string }>(rows: readonly T[]): { learn: T[]; holdout: T[] } {
  if (rows.length < 8) return { learn: [...rows], holdout: [] };
  const learn: T[] = [];
  const holdout: T[] = [];
  for (const row of rows)
    (Number.parseInt(sentenceHash(row.text).slice(0, 8), 16) % 4 === 0 ? holdout : learn).push(row);
  return { learn, holdout };
}

const targets = (rows: readonly Example[]): Uint8Array => Uint8Array.from(rows, (r) => r.y);

/** The candidate's seen-keys file, or null when what it saw is not known. */
type SeenFile = Uint8Array | null;

async function updatedClassifier(
  base: TextClassifier,
  manifest: Manifest,
  baseFiles: Readonly<Record<string, Uint8Array>>,
  learn: readonly Example[],
  options: LearnOptions,
): Promise<{ classifier: TextClassifier; method: LearnResult["method"]; seen: SeenFile }> {
  const codec = options.seenKeys;
  const feedbackKeys = (): string[] => (codec === undefined ? [] : learn.map((r) => codec.keyOf(r.text)));
  if (isOnlineClassifier(base)) {
    const copy = loadClassifier(base.save());
    if (!isOnlineClassifier(copy)) throw siftError("INTERNAL", "a reloaded online model lost partialFit");
    copy.partialFit(
      learn.map((r) => r.text),
      targets(learn),
    );
    const baseSeen = codec === undefined ? undefined : baseFiles[codec.file];
    const seen = codec === undefined || baseSeen === undefined ? null : codec.merge(baseSeen, feedbackKeys());
    return { classifier: copy, method: "partial-fit", seen };
  }
  if (options.trainingRows === undefined) {
    throw siftError(
      "USAGE",
      `${manifest.name}@${manifest.version} is not an online model and no training data was given`,
    );
  }
  const training = await options.trainingRows();
  const overridden = new Set(learn.map((r) => r.text));
  const rows: Example[] = [];
  training.texts.forEach((text, i) => {
    if (!overridden.has(text))
      rows.push({ text, y: training.labels[i] === manifest.labels.positive ? 1 : 0 });
  });
  rows.push(...learn);
  const spec: ClassifierSpec = defaultOnlineSpec();
  const classifier = fitClassifier(
    spec,
    rows.map((r) => r.text),
    targets(rows),
    { seed: options.seed ?? 42 },
  );
  // Fitted on every training row plus the feedback: all of their keys were seen.
  const seen =
    codec === undefined || training.keys === undefined
      ? null
      : codec.encode([...training.keys, ...feedbackKeys()]);
  return { classifier, method: "refit-online", seen };
}

function scoreOn(
  classifier: TextClassifier,
  rows: readonly Example[],
  threshold: number,
): Record<string, number> {
  if (rows.length === 0) return {};
  return {
    ...binaryReport(targets(rows), classifier.predictProba(rows.map((r) => r.text)), threshold).metrics,
  };
}

export async function learnFromFeedback(options: LearnOptions): Promise<LearnResult> {
  const { registry, name } = options;
  const ref = await registry.resolve(options.baseRef ?? `${name}@production`);
  const artifact = await registry.load(ref.name, ref.version);
  const { manifest } = artifact;
  const base = loadClassifier({ spec: manifest.classifier as ClassifierSpec, files: artifact.files });
  const all = examples(options.feedback, manifest.labels.positive);
  if (all.length === 0) throw siftError("NO_FEEDBACK", "the prediction log", "the chosen time");
  const { learn, holdout } = holdoutSplit(all);
  const evaluation = holdout.length > 0 ? holdout : all;
  const { classifier, method, seen } = await updatedClassifier(
    base,
    manifest,
    artifact.files,
    learn,
    options,
  );
  const metrics = scoreOn(classifier, evaluation, manifest.threshold);
  const championMetrics = scoreOn(base, evaluation, manifest.threshold);
  const championValue = championMetrics[options.championMetric];
  const gates = options.gates(
    metrics,
    championValue === undefined ? null : { version: ref.version, value: championValue },
  );
  const saved = classifier.save();
  const registered = await registry.register(name, {
    manifest: {
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      labels: manifest.labels,
      threshold: manifest.threshold,
      classifier: saved.spec,
      metrics: { validation: metrics, test: metrics },
      dataFingerprint: manifest.dataFingerprint,
      trainingConfig: {
        source: "sift learn",
        method,
        base: ref.version,
        feedback: learn.length,
        holdout: holdout.length,
        evaluatedOn: holdout.length > 0 ? "feedback holdout" : "all feedback (fewer than 8 rows)",
        ...(seen === null || options.seenKeys === undefined
          ? {}
          : { seenKeys: { file: options.seenKeys.file, format: options.seenKeys.format } }),
      },
      codeVersion: manifest.codeVersion,
      reference: manifest.reference,
      runId: null,
    },
    files:
      seen === null || options.seenKeys === undefined
        ? saved.files
        : { ...saved.files, [options.seenKeys.file]: seen },
  });
  const gatesPassed = gates.every((g) => g.passed);
  if (gatesPassed) await registry.promote(name, registered.version, "candidate");
  return {
    base: { version: ref.version, kind: (manifest.classifier as ClassifierSpec).kind },
    method,
    version: registered.version,
    feedbackUsed: learn.length,
    holdout: holdout.length,
    metrics,
    championMetrics,
    gates,
    gatesPassed,
    candidate: gatesPassed,
  };
}
