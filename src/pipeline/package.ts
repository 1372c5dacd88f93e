/**
 * Packaging: the ArtifactDraft handed to the registry. The classifier's own files go in as they
 * are (so `loadClassifier({ spec: manifest.classifier, files })` rebuilds it), and the manifest
 * carries everything needed to trust and monitor the model later. Nothing here reads a clock
 * other than the injected one, so the same inputs give byte-identical artifacts.
 */
import type { Split } from "../data/index.ts";
import type { TextClassifier } from "../learn/index.ts";
import type { ArtifactDraft } from "../registry/index.ts";
import type { PipelineConfig } from "./config-schema.ts";
import { buildDriftReference } from "./reference.ts";
import { encodeSeenKeys, SEEN_KEYS_FILE, SEEN_KEYS_FORMAT } from "./seen-keys.ts";
import type { PreparedData, SearchResult } from "./toolkit-types.ts";
import type { Evaluation, StepContext } from "./train-steps.ts";

export const POSITIVE_LABEL = "Relevant";
export const NEGATIVE_LABEL = "Not Relevant";

export interface DraftInput {
  readonly context: StepContext;
  readonly classifier: TextClassifier;
  readonly evaluation: Evaluation;
  readonly data: PreparedData;
  readonly split: Split;
  readonly selection: SearchResult;
}

/** Everything that shapes the model; where it is stored does not, so the store path is left out. */
function trainingSettings(config: PipelineConfig): Omit<PipelineConfig, "store"> {
  const { store: _store, ...settings } = config;
  return settings;
}

/** What the model was fitted (train) and tuned (validation: the threshold) on; see seen-keys.ts. */
function seenKeysOf(split: Split): Uint8Array {
  return encodeSeenKeys([...split.train, ...split.validation].map((row) => row.key));
}

export function buildDraft(input: DraftInput): ArtifactDraft {
  const { context, classifier, evaluation, data, split } = input;
  const saved = classifier.save();
  const record = context.recorder.record;
  return {
    manifest: {
      createdAt: context.clock().toISOString(),
      labels: { positive: POSITIVE_LABEL, negative: NEGATIVE_LABEL },
      threshold: evaluation.threshold,
      classifier: saved.spec,
      metrics: evaluation.metrics,
      dataFingerprint: data.fingerprint,
      trainingConfig: {
        ...trainingSettings(context.config),
        selectedParams: input.selection.bestParams,
        rows: { train: split.train.length, validation: split.validation.length, test: split.test.length },
        seenKeys: { file: SEEN_KEYS_FILE, format: SEEN_KEYS_FORMAT },
      },
      codeVersion: record.codeVersion,
      reference: buildDriftReference({
        trainTexts: split.train.map((row) => row.text),
        trainLabels: split.train.map((row) => row.label),
        testTexts: evaluation.test.texts,
        testScores: evaluation.test.scores,
        vocabularySize: 2000,
      }),
      runId: record.id,
    },
    files: { ...saved.files, [SEEN_KEYS_FILE]: seenKeysOf(split) },
  };
}
