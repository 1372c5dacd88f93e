/**
 * The registry's contract: immutable model versions plus movable aliases, over an artifact
 * format that verifies itself. The registry handles bytes and manifests; it never imports learn.
 */

export const ARTIFACT_FORMAT_VERSION = 1;

export interface FileEntry {
  readonly sha256: string;
  readonly bytes: number;
}

/** manifest.json of a model artifact (DESIGN.md, "Model artifact"). */
export interface Manifest {
  readonly formatVersion: number;
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
  readonly labels: { readonly positive: string; readonly negative: string };
  readonly threshold: number;
  /** learn's ClassifierSpec (featuriser and estimator with hyper-parameters), opaque here. */
  readonly classifier: unknown;
  readonly metrics: {
    readonly validation: Readonly<Record<string, number>>;
    readonly test: Readonly<Record<string, number>>;
  };
  readonly dataFingerprint: string;
  readonly trainingConfig: unknown;
  readonly codeVersion: string | null;
  /** Training-time reference distributions for drift monitoring (monitor module), opaque here. */
  readonly reference: unknown;
  readonly runId: string | null;
  /** sha256 and size of every other file in the artifact. */
  readonly files: Readonly<Record<string, FileEntry>>;
}

/** What a trainer hands to `register`: everything but the fields the registry assigns. */
export interface ArtifactDraft {
  readonly manifest: Omit<Manifest, "formatVersion" | "name" | "version" | "files">;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

export interface LoadedArtifact {
  readonly manifest: Manifest;
  readonly files: Readonly<Record<string, Uint8Array>>;
  readonly dir: string;
}

export interface VersionRef {
  readonly name: string;
  readonly version: number;
}

export interface VersionInfo extends VersionRef {
  readonly createdAt: string;
  readonly aliases: readonly string[];
  readonly metrics: Manifest["metrics"];
  readonly runId: string | null;
}

export interface ModelSummary {
  readonly name: string;
  readonly latest: number;
  readonly aliases: Readonly<Record<string, number>>;
  readonly versions: number;
}

/** A traffic policy a running server applies without restart (A/B split, shadow). */
export interface TrafficPolicy {
  /** Weighted split between versions; weights sum to 1. Empty = all traffic to the alias. */
  readonly split: ReadonlyArray<{ readonly version: number; readonly weight: number }>;
  /** Versions that also score each request; logged, never returned. */
  readonly shadow: readonly number[];
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly problems: ReadonlyArray<{ readonly name: string; readonly version: number | null; readonly problem: string }>;
}
