/**
 * Champion/challenger: the current production model and the candidate both score the candidate's
 * test rows that production was neither fitted nor tuned on (its artifact lists them, see
 * seen-keys.ts), each at its own threshold, so they are compared on identical data that is new to
 * both. A champion whose artifact predates that list is compared on every test row, and the gate's
 * detail says so; too few unseen rows and the comparison is not made.
 */
import { isSiftError } from "../errors.ts";
import type { ClassifierSpec, TextClassifier } from "../learn/index.ts";
import type { LoadedArtifact, Registry } from "../registry/index.ts";
import { bootstrapDifference } from "./champion-noise.ts";
import { chooseChampionRows, MIN_ROWS_PER_CLASS, type RowChoice } from "./champion-rows.ts";
import type { MetricName } from "./config-schema.ts";
import { metricsAt, type SplitScores } from "./evaluate.ts";
import type { ChampionComparison } from "./gates.ts";
import { decodeSeenKeys, SEEN_KEYS_FILE } from "./seen-keys.ts";
import type { Toolkit } from "./toolkit-types.ts";

export interface ChampionInput {
  readonly registry: Registry;
  readonly name: string;
  /** The candidate's test rows with the candidate's scores. */
  readonly test: SplitScores;
  /** The candidate's decision threshold. */
  readonly threshold: number;
  readonly metric: MetricName;
  /** Fewest unseen rows to compare on. */
  readonly minRows: number;
  /** Seeds the bootstrap of the difference. */
  readonly seed: number;
  readonly toolkit: Toolkit;
}

/** null when there is no production model yet (the first run of a model). */
export async function scoreChampion(input: ChampionInput): Promise<ChampionComparison | null> {
  const ref = await productionRef(input.registry, input.name);
  if (ref === null) return null;
  const artifact = await input.registry.load(ref.name, ref.version);
  const seenBytes = artifact.files[SEEN_KEYS_FILE];
  const choice = chooseChampionRows({
    keys: input.test.keys,
    y: input.test.y,
    seen: seenBytes === undefined ? null : decodeSeenKeys(seenBytes),
    minRows: input.minRows,
  });
  const label = `production v${ref.version}`;
  if (choice.kind === "too-few")
    return { version: ref.version, skipped: tooFew(choice, label, input.minRows) };
  const rows = choice.kind === "all" ? input.test : subset(input.test, choice.indices);
  const championScores = loadChampion(artifact, input.toolkit).predictProba(rows.texts);
  const champion = metricsAt({ ...rows, scores: championScores }, artifact.manifest.threshold);
  const candidate = metricsAt(rows, input.threshold);
  const difference = bootstrapDifference({
    y: rows.y,
    candidate: { scores: rows.scores, threshold: input.threshold },
    champion: { scores: championScores, threshold: artifact.manifest.threshold },
    metric: input.metric,
    seed: input.seed,
  });
  return {
    version: ref.version,
    value: champion[input.metric] ?? Number.NaN,
    candidate: candidate[input.metric] ?? Number.NaN,
    rows: describeRows(choice, rows.texts.length, label),
    ...(difference === null ? {} : { difference }),
  };
}

function loadChampion(artifact: LoadedArtifact, toolkit: Toolkit): TextClassifier {
  return toolkit.loadClassifier({
    spec: artifact.manifest.classifier as ClassifierSpec,
    files: artifact.files,
  });
}

function subset(test: SplitScores, indices: Int32Array): SplitScores {
  return {
    texts: Array.from(indices, (i) => test.texts[i] as string),
    keys: Array.from(indices, (i) => test.keys[i] as string),
    y: Uint8Array.from(indices, (i) => test.y[i] as number),
    scores: Float64Array.from(indices, (i) => test.scores[i] as number),
  };
}

function describeRows(choice: Exclude<RowChoice, { kind: "too-few" }>, rows: number, label: string): string {
  if (choice.kind === "unseen") return `${rows} of ${choice.total} test rows ${label} never saw`;
  return `all ${rows} test rows (${label}'s artifact does not record its training rows, so some may be rows it was trained on)`;
}

function tooFew(choice: Extract<RowChoice, { kind: "too-few" }>, label: string, minRows: number): string {
  const negatives = choice.rows - choice.positives;
  return (
    `not compared with ${label}: only ${choice.rows} of ${choice.total} test rows are new to it ` +
    `(${choice.positives} positive, ${negatives} negative); comparing needs at least ${minRows} ` +
    `with ${MIN_ROWS_PER_CLASS} of each class`
  );
}

async function productionRef(
  registry: Registry,
  name: string,
): Promise<{ name: string; version: number } | null> {
  try {
    return await registry.resolve(`${name}@production`);
  } catch (error) {
    if (isSiftError(error) && (error.code === "MODEL_NOT_FOUND" || error.code === "ALIAS_NOT_FOUND"))
      return null;
    throw error;
  }
}
