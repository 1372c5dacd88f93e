/**
 * The registry module's public surface: the artifact format (directory and .tgz), the embedded
 * registry, and reference parsing. Serving and the pipeline combine `load` with learn's loader.
 */
export { readArtifact, writeArtifact } from "./artifact-dir.ts";
export { buildManifest, MANIFEST_FILE } from "./artifact-manifest.ts";
export { type ArtifactContent, packArtifact, unpackArtifact } from "./artifact-tgz.ts";
export { DEFAULT_ALIAS, isValidAlias, isValidName, type ParsedRef, parseRef } from "./names.ts";
export { openRegistry } from "./registry.ts";
export { resolveStoreRoot } from "./store-root.ts";
export { nodeStoreWriter } from "./store-writer.ts";
export * from "./types.ts";
