/**
 * The declared shape of `sift.config.yaml`. Every key is optional in the file: `loadConfig` fills
 * what is missing from `defaultConfig`, then checks the merged result against this schema, so an
 * unknown or misspelt key is an error rather than silently ignored.
 */
import { type Static, Type } from "typebox";

const Probability = Type.Number({ minimum: 0, maximum: 1 });
const Ratio = Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 });
const Seed = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });

/** Metrics a gate or a selection rule may name: the keys of learn's `binaryReport`. */
export const METRIC_NAMES = [
  "precision",
  "recall",
  "f1",
  "accuracy",
  "specificity",
  "roc_auc",
  "pr_auc",
  "log_loss",
  "brier",
  "macro_f1",
  "weighted_f1",
  "positive_rate",
] as const;

const MetricName = Type.Union([
  Type.Literal("precision"),
  Type.Literal("recall"),
  Type.Literal("f1"),
  Type.Literal("accuracy"),
  Type.Literal("specificity"),
  Type.Literal("roc_auc"),
  Type.Literal("pr_auc"),
  Type.Literal("log_loss"),
  Type.Literal("brier"),
  Type.Literal("macro_f1"),
  Type.Literal("weighted_f1"),
  Type.Literal("positive_rate"),
]);

const Entity = Type.Union([Type.Literal("keep"), Type.Literal("token"), Type.Literal("strip")]);
const Sigil = Type.Union([
  Type.Literal("keep"),
  Type.Literal("token"),
  Type.Literal("strip"),
  Type.Literal("word"),
]);
const CanonicalLabel = Type.Union([
  Type.Literal("Relevant"),
  Type.Literal("Not Relevant"),
  Type.Literal("Can't Decide"),
]);

const CleaningSection = Type.Object(
  {
    nfkc: Type.Optional(Type.Boolean()),
    repairMojibake: Type.Optional(Type.Boolean()),
    removeReplacementChar: Type.Optional(Type.Boolean()),
    decodeHtmlEntities: Type.Optional(Type.Boolean()),
    urls: Type.Optional(Entity),
    mentions: Type.Optional(Sigil),
    hashtags: Type.Optional(Sigil),
    collapseWhitespace: Type.Optional(Type.Boolean()),
    normaliseLabels: Type.Optional(Type.Boolean()),
    dedupe: Type.Optional(Type.Boolean()),
    conflicts: Type.Optional(Type.Union([Type.Literal("majority"), Type.Literal("drop")])),
    cantDecide: Type.Optional(
      Type.Union([Type.Literal("exclude"), Type.Literal("not-relevant"), Type.Literal("keep")]),
    ),
    labelMap: Type.Optional(Type.Record(Type.String(), CanonicalLabel)),
  },
  { additionalProperties: false },
);

const DataSection = Type.Object(
  {
    /** Data package, SQLite file, CSV or JSONL; null = the bundled sample package. */
    source: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    table: Type.String({ minLength: 1 }),
    textColumn: Type.String({ minLength: 1 }),
    labelColumn: Type.String({ minLength: 1 }),
    classLabelColumn: Type.String({ minLength: 1 }),
    /** The data module's CleaningConfig; keys left out keep the data module's defaults. */
    cleaning: CleaningSection,
  },
  { additionalProperties: false },
);

const SplitSection = Type.Object(
  {
    train: Ratio,
    validation: Ratio,
    test: Ratio,
  },
  { additionalProperties: false },
);

const ClassifierSpecSchema = Type.Object(
  {
    kind: Type.String({ minLength: 1 }),
    params: Type.Record(Type.String(), Type.Unknown()),
    parts: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const ModelSection = Type.Object(
  {
    /** Registry name the trained version is registered under. */
    name: Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]*$", maxLength: 100 }),
    /** null = learn's default classifier spec. */
    spec: Type.Union([ClassifierSpecSchema, Type.Null()]),
    /** Grid: parameter path (as learn's gridSearch names it) → values to try. Empty = no search. */
    search: Type.Record(Type.String(), Type.Array(Type.Unknown(), { minItems: 1 })),
    cvFolds: Type.Integer({ minimum: 2, maximum: 20 }),
    /** Metric the grid search maximises on the CV folds. */
    selectBy: MetricName,
  },
  { additionalProperties: false },
);

const ThresholdSection = Type.Object(
  {
    /** How the decision threshold is chosen on the validation split. */
    rule: Type.Union([Type.Literal("max-f1"), Type.Literal("precision-at-least"), Type.Literal("fixed")]),
    /** The fixed threshold, or the precision to reach; ignored by max-f1. */
    value: Probability,
  },
  { additionalProperties: false },
);

const MetricGateSchema = Type.Object(
  {
    metric: MetricName,
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

const GatesSection = Type.Object(
  {
    /** Bounds on metrics of the test split. */
    metrics: Type.Array(MetricGateSchema),
    /** Compare with the current production model on the same test rows. */
    champion: Type.Boolean(),
    championMetric: MetricName,
    /** How much worse than production the candidate may be on championMetric. */
    championTolerance: Type.Number({ minimum: 0, maximum: 1 }),
    /** Fewest test rows production never saw (with 5 of each class) to compare on; fewer = no comparison. */
    championMinRows: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);

const ReportSection = Type.Object(
  {
    enabled: Type.Boolean(),
    /** False positives and false negatives listed, each. */
    examples: Type.Integer({ minimum: 0, maximum: 1000 }),
    /** Features listed for each class. */
    topFeatures: Type.Integer({ minimum: 0, maximum: 200 }),
  },
  { additionalProperties: false },
);

export const PipelineConfigSchema = Type.Object(
  {
    seed: Seed,
    /** Store root; null = $SIFT_STORE, else ./.sift (what every `sift models` command uses). */
    store: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    data: DataSection,
    split: SplitSection,
    model: ModelSection,
    threshold: ThresholdSection,
    gates: GatesSection,
    report: ReportSection,
  },
  { additionalProperties: false },
);

export type PipelineConfig = Static<typeof PipelineConfigSchema>;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricGate = Static<typeof MetricGateSchema>;
