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
  readonly problems: ReadonlyArray<{
    readonly name: string;
    readonly version: number | null;
    readonly problem: string;
  }>;
}

// ── Added with the registry implementation (extensions only; the contract above is unchanged) ──

/** What `register` and `import` return: the manifest the registry wrote (it carries name and version). */
export type RegisteredVersion = Manifest;

/** Result of moving an alias: where it pointed before (null = nowhere) and where it points now. */
export interface AliasMove {
  readonly name: string;
  readonly alias: string;
  readonly previous: number | null;
  readonly version: number;
}

/** One line of an alias's history, oldest first in `ModelDetails.history`. */
export interface AliasEvent {
  readonly alias: string;
  readonly version: number;
  readonly action: "promote" | "rollback";
  readonly at: string;
}

export interface VersionDetails extends VersionInfo {
  /** When the registry stored it (the registry's clock), unlike `createdAt` (the trainer's). */
  readonly registeredAt: string;
  readonly threshold: number;
  readonly dataFingerprint: string;
  /** Total size of the artifact's files, manifest included. */
  readonly bytes: number;
}

export interface ModelDetails {
  readonly name: string;
  readonly latest: number;
  readonly aliases: Readonly<Record<string, number>>;
  readonly versions: readonly VersionDetails[];
  readonly history: readonly AliasEvent[];
  readonly trafficPolicy: TrafficPolicy;
}

/** Added to VerifyReport: leftovers of interrupted writes, which readers ignore. */
export interface StoreVerifyReport extends VerifyReport {
  /** Paths (relative to the store root) of staging dirs and unindexed version dirs. */
  readonly orphans: readonly string[];
  /** Orphans removed by `verify({ repair: true })`. */
  readonly repaired: readonly string[];
}

/**
 * The few file-system writes the embedded store makes, as a seam: tests inject a writer that fails
 * with ENOSPC or EROFS at a chosen step (as root, chmod cannot make a directory read-only).
 * Every call is synchronous so that the writes made inside an index transaction cannot interleave
 * with other work on the same connection.
 */
export interface StoreWriter {
  mkdir(path: string): void;
  /** Creates the file (it must not exist), writes all bytes and fsyncs it. */
  writeFile(path: string, data: Uint8Array): void;
  /** fsyncs a directory so a rename or a new entry in it survives a power cut. */
  syncDir(path: string): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
}

export interface RegistryOptions {
  /** Time source for registration and alias history; tests inject a fixed clock. */
  readonly clock?: () => Date;
  readonly writer?: StoreWriter;
}

/**
 * A model registry. Every method is async so that scale-out backends (a database for the index,
 * object storage for artifacts) fit behind the same interface as the embedded store.
 * References: "name" (= name@production), "name@alias", "name@3".
 */
export interface Registry {
  readonly root: string;
  /** Stores a new immutable version, numbered after every version the model ever had. All or nothing. */
  register(name: string, draft: ArtifactDraft): Promise<RegisteredVersion>;
  promote(name: string, version: number, alias?: string): Promise<AliasMove>;
  /** Moves the alias back to the version it pointed at before the last promote. */
  rollback(name: string, alias?: string): Promise<AliasMove>;
  resolve(ref: string): Promise<VersionRef>;
  /** Reads and verifies the artifact (checksums, format version, index agreement). */
  load(name: string, version: number): Promise<LoadedArtifact>;
  list(): Promise<ModelSummary[]>;
  show(name: string): Promise<ModelDetails>;
  /** Refused with VERSION_IN_USE while an alias (or a traffic policy) points at the version. */
  deleteVersion(name: string, version: number): Promise<void>;
  verify(options?: { readonly repair?: boolean }): Promise<StoreVerifyReport>;
  setTrafficPolicy(name: string, policy: TrafficPolicy): Promise<void>;
  getTrafficPolicy(name: string): Promise<TrafficPolicy>;
  /** Changes whenever an alias or a traffic policy changes (in any process): cheap to poll. */
  revision(): Promise<number>;
  close(): void;
}
