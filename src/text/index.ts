/** sift's text features: normalise, tokenise, n-grams, TF-IDF, signed hashing, unions. */
export { CharWbAnalyzer, DEFAULT_TOKEN_PATTERN, WordAnalyzer } from "./analyzers.ts";
export { bytesToF64, bytesToJson, f64ToBytes, jsonToBytes, requireFile } from "./bytes.ts";
export {
  DRIFT_LENGTH_EDGES,
  DRIFT_SCORE_EDGES,
  type DriftHistogram,
  driftTokens,
  type StoredDriftReference,
} from "./drift-tokens.ts";
export { type EmbeddingParams, EmbeddingVectorizer, embeddingSchema } from "./embedding.ts";
export type { ComponentSpec, ExplainedBlock, Featuriser, NamedContribution } from "./featuriser.ts";
export { createFeaturiser, FeatureUnion, loadFeaturiser } from "./featuriser.ts";
export { type HashingParams, HashingVectorizer, hashingSchema } from "./hashing.ts";
export { KeyBuffer, termKey } from "./keys.ts";
export { murmur3Utf8 } from "./murmur3.ts";
export {
  decodeEntities,
  fixMojibake,
  Normaliser,
  type NormaliserParams,
  normaliserSchema,
} from "./normalise.ts";
export type { ParamRule, ParamSchema, ParamsOf } from "./params.ts";
export { paramsToJson, validateParams } from "./params.ts";
export type { Csr } from "./sparse.ts";
export { CsrBuilder, RowBuffer } from "./sparse.ts";
export { type TfidfParams, TfidfVectorizer, tfidfSchema } from "./tfidf.ts";
export { readWordVectors, resolveVectorsFile, WINK_VECTORS, type WordVectors } from "./word-vectors.ts";
