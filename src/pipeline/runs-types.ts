/** What a training run records: enough to reproduce it, compare it, and see why it failed. */

export type RunStatus = "running" | "succeeded" | "gate_failed" | "failed" | "interrupted";

export interface GateResult {
  /** e.g. `test.precision >= 0.75` or `champion f1 (v3)`. */
  readonly gate: string;
  readonly passed: boolean;
  readonly actual: number | null;
  /** The bound the value was held to. */
  readonly expected: number | null;
  /** One human sentence: why it passed or failed. */
  readonly detail: string;
}

export interface RunMetrics {
  readonly validation: Readonly<Record<string, number>>;
  readonly test: Readonly<Record<string, number>>;
}

export interface RunRecord {
  readonly id: string;
  readonly kind: "train" | "retrain";
  readonly modelName: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly seed: number;
  /** The resolved pipeline config (every setting, defaults included). */
  readonly config: unknown;
  /** Hyper-parameters chosen by model selection, plus the threshold. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly metrics: RunMetrics | null;
  readonly dataSource: string | null;
  readonly dataFingerprint: string | null;
  readonly codeVersion: string | null;
  /** `name@version` once registered. */
  readonly artifact: string | null;
  readonly promoted: boolean;
  readonly gates: readonly GateResult[];
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Folder holding report.html and run.json. */
  readonly dir: string;
  readonly pid: number;
}

export interface RunLogLine {
  readonly at: string;
  readonly line: string;
}

export interface RunSummary {
  readonly id: string;
  readonly kind: RunRecord["kind"];
  readonly modelName: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly artifact: string | null;
  readonly promoted: boolean;
  readonly f1: number | null;
}

export interface RunComparison {
  readonly a: RunRecord;
  readonly b: RunRecord;
  /** split.metric → [a, b, b − a]. */
  readonly metrics: ReadonlyArray<{
    readonly metric: string;
    readonly a: number | null;
    readonly b: number | null;
    readonly delta: number | null;
  }>;
  /** Dotted keys of config and params whose values differ. */
  readonly params: ReadonlyArray<{ readonly key: string; readonly a: unknown; readonly b: unknown }>;
}
