/**
 * manifest.json: building it from a draft, serialising it canonically, and parsing it back into a
 * checked `Manifest`. The format version is read before anything else so that a newer artifact
 * says "upgrade sift" rather than "malformed".
 */
import { siftError } from "../errors.ts";
import { canonicalJson, jsonProblem } from "./canonical-json.ts";
import { sha256Hex } from "./hash.ts";
import { checkManifestShape } from "./manifest-shape.ts";
import { isValidName } from "./names.ts";
import { ARTIFACT_FORMAT_VERSION, type ArtifactDraft, type FileEntry, type Manifest } from "./types.ts";

export const MANIFEST_FILE = "manifest.json";

/** The fields `unknown` in Manifest must still be present in JSON; a missing one is stored as null. */
const OPAQUE_FIELDS = ["classifier", "trainingConfig", "reference"] as const;

/**
 * Artifact member paths: '/'-separated segments from the name alphabet, no "." or ".." segment,
 * not the manifest itself. They are joined to the artifact directory, so this is a safety check.
 */
export function filePathProblem(path: string): string | null {
  if (path === MANIFEST_FILE) return `${MANIFEST_FILE} is reserved for the manifest`;
  if (path.length === 0 || path.length > 200) return `file name ${JSON.stringify(path)} is empty or too long`;
  // Files are held in plain records keyed by path; "__proto__" as a key would replace the record's
  // prototype instead of adding a file, so the name is refused rather than special-cased everywhere.
  if (path.split("/").includes("__proto__"))
    return `file name ${JSON.stringify(path)} uses the reserved name __proto__`;
  const segments = path.split("/");
  const bad = segments.find((s) => !/^[A-Za-z0-9._-]+$/.test(s) || s === "." || s === "..");
  return bad === undefined ? null : `file name ${JSON.stringify(path)} is not a safe relative path`;
}

/** The manifest a draft becomes as version `version` of `name`. Throws ARTIFACT_INVALID for a bad draft. */
export function buildManifest(name: string, version: number, draft: ArtifactDraft): Manifest {
  return assembleManifest(name, version, draft, hashDraftFiles(name, draft));
}

/** sha256 and size of each draft file (the costly part of building a manifest: do it once). */
export function hashDraftFiles(name: string, draft: ArtifactDraft): Record<string, FileEntry> {
  const files: Record<string, FileEntry> = {};
  for (const path of Object.keys(draft.files).sort()) {
    const problem = filePathProblem(path);
    const bytes = draft.files[path];
    if (problem !== null) throw siftError("ARTIFACT_INVALID", `${name} (draft)`, problem);
    if (!(bytes instanceof Uint8Array))
      throw siftError("ARTIFACT_INVALID", `${name} (draft)`, `file ${path} is not bytes`);
    files[path] = { sha256: sha256Hex(bytes), bytes: bytes.byteLength };
  }
  return files;
}

/** Builds and checks the manifest from a draft and its already computed file entries. */
export function assembleManifest(
  name: string,
  version: number,
  draft: ArtifactDraft,
  files: Readonly<Record<string, FileEntry>>,
): Manifest {
  const at = `${name}@${version} (draft)`;
  const opaque = Object.fromEntries(OPAQUE_FIELDS.map((key) => [key, draft.manifest[key] ?? null]));
  const manifest = {
    ...draft.manifest,
    ...opaque,
    formatVersion: ARTIFACT_FORMAT_VERSION,
    name,
    version,
    files,
  };
  const problem = jsonProblem(manifest, "manifest");
  if (problem !== null) throw siftError("ARTIFACT_INVALID", at, problem);
  return parseManifestValue(JSON.parse(canonicalJson(manifest)), at);
}

export function serializeManifest(manifest: Manifest): Uint8Array {
  return Buffer.from(canonicalJson(manifest), "utf8");
}

/** Parses manifest.json bytes read from `at` (a path, for messages). */
export function parseManifest(bytes: Uint8Array, at: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw siftError("ARTIFACT_INVALID", at, `${MANIFEST_FILE} is not JSON (${(error as Error).message})`);
  }
  return parseManifestValue(value, at);
}

function parseManifestValue(value: unknown, at: string): Manifest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw siftError("ARTIFACT_INVALID", at, `${MANIFEST_FILE} is not a JSON object`);
  }
  const format = (value as { formatVersion?: unknown }).formatVersion;
  if (typeof format === "number" && Number.isInteger(format) && format > ARTIFACT_FORMAT_VERSION) {
    throw siftError("ARTIFACT_FUTURE_FORMAT", at, format, ARTIFACT_FORMAT_VERSION);
  }
  const problem = checkManifestShape(value, "");
  if (problem !== null) throw siftError("ARTIFACT_INVALID", at, `${MANIFEST_FILE}: ${problem}`);
  return checkSemantics(value as Manifest, at);
}

function checkSemantics(manifest: Manifest, at: string): Manifest {
  if (!isValidName(manifest.name)) {
    throw siftError("ARTIFACT_INVALID", at, `model name ${JSON.stringify(manifest.name)} is not valid`);
  }
  if (!Number.isFinite(Date.parse(manifest.createdAt))) {
    throw siftError("ARTIFACT_INVALID", at, `createdAt ${JSON.stringify(manifest.createdAt)} is not a date`);
  }
  for (const path of Object.keys(manifest.files)) {
    const problem = filePathProblem(path);
    if (problem !== null) throw siftError("ARTIFACT_INVALID", at, problem);
  }
  return manifest;
}
