/** The data layer's public surface: read, validate, clean, fingerprint, split, unpack. */

export { type CleaningResult, cleanRows } from "./clean.ts";
export { defaultCleaningConfig, resolveCleaningConfig } from "./cleaning-config.ts";
export { fingerprint } from "./fingerprint.ts";
export { type InspectSummary, inspectSummary, type LengthStats, lengthStats } from "./inspect.ts";
export { CLASS_LABEL_CODES, LABELS } from "./labels.ts";
export { removeReplacementChars, repairMojibake } from "./mojibake.ts";
export { normalisedKey } from "./normalised-key.ts";
export { type PackOptions, packDatabase } from "./pack.ts";
export { dropSummary, prepareData, prepareDataset } from "./prepare.ts";
export { readSource } from "./read-source.ts";
export {
  cantDecideStep,
  dedupeStep,
  emptyTextStep,
  type LabelledRawRow,
  type LabelledRow,
  labelStep,
  majorityLabel,
  textStep,
  textSteps,
} from "./row-steps.ts";
export { assignFolds, defaultSplitOptions, splitRows } from "./split.ts";
export type { StepResult } from "./step-report.ts";
export {
  collapseWhitespace,
  decodeEntities,
  HASHTAG_TOKEN,
  MENTION_TOKEN,
  nfkc,
  replaceHashtags,
  replaceMentions,
  replaceUrls,
  type TextTransform,
  textTransforms,
  URL_TOKEN,
} from "./text-transforms.ts";
export * from "./types.ts";
export { unpackPackage } from "./unpack.ts";
export { assertValid, type ValidationOptions, validateDataset, validateRows } from "./validate.ts";
