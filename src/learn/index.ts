/** The learning core's public surface: estimators, classifiers, metrics and model selection. */

export { defaultClassifierSpec, fitClassifier, loadClassifier } from "./compose.ts";
export { LinearEnsemble } from "./ensemble.ts";
export type { BinaryLinear, Estimator } from "./estimator.ts";
export { createEstimator, ESTIMATOR_KINDS } from "./estimators.ts";
export { LogisticRegression, logisticSchema } from "./logistic.ts";
export type { AveragedScores, ClassificationScores, ClassScores, ConfusionMatrix } from "./metrics.ts";
export {
  accuracy,
  applyThreshold,
  brierScore,
  classificationScores,
  confusionMatrix,
  logLoss,
} from "./metrics.ts";
export type { CalibrationBin, CalibrationOptions } from "./metrics-calibration.ts";
export { calibrationTable } from "./metrics-calibration.ts";
export type { CurveOptions, PrCurve, RocCurve } from "./metrics-curves.ts";
export { averagePrecision, prCurve, rocAuc, rocCurve } from "./metrics-curves.ts";
export type { BinaryConfusion, BinaryReport } from "./metrics-report.ts";
export { binaryReport } from "./metrics-report.ts";
export { ComplementNB, MultinomialNB } from "./naive-bayes.ts";
export { NbLogisticRegression } from "./nb-logistic.ts";
export { defaultOnlineSpec, isOnlineClassifier, TEXT_ONLINE } from "./online.ts";
export type {
  CandidateResult,
  CrossValidation,
  FoldScores,
  GridSearchResult,
  SelectionOptions,
} from "./selection.ts";
export { crossValidate, gridSearch } from "./selection.ts";
export type { Candidate, SearchSpace } from "./selection-spec.ts";
export { candidatesOf, withParam } from "./selection-spec.ts";
export type { DenseMatrix, SgdInput } from "./sgd.ts";
export { SGDClassifier } from "./sgd.ts";
export type { SgdParams } from "./sgd-params.ts";
export { sgdSchema } from "./sgd-params.ts";
export type { ThresholdRule } from "./threshold.ts";
export { chooseThreshold } from "./threshold.ts";
export type * from "./types.ts";
