/**
 * `sift train` as a library call: source → validate → clean → split → select and fit → threshold
 * → evaluate → gates → package → register → (promote) → report, every step recorded in the run
 * store. A failing gate is not an exception here: the result says so and the CLI turns it into
 * exit code 3, after the run, the registered version and the report are all written.
 */
import path from "node:path";
import { isSiftError, siftError } from "../errors.ts";
import { resolveStoreRoot, type StoreWriter } from "../registry/index.ts";
import { codeVersion } from "./code-version.ts";
import type { PipelineConfig } from "./config-schema.ts";
import { type EventSink, quietDisplay } from "./progress.ts";
import { RunRecorder } from "./run-recorder.ts";
import { newRunId, openRunStore, type RunStore } from "./runs.ts";
import type { RunRecord } from "./runs-types.ts";
import { defaultToolkit } from "./toolkit.ts";
import type { Toolkit } from "./toolkit-types.ts";
import { executeSteps, type StepContext } from "./train-steps.ts";

export interface TrainOptions {
  readonly config: PipelineConfig;
  /** The config file the settings came from (recorded with the run), or null. */
  readonly configFile?: string | null;
  readonly kind?: RunRecord["kind"];
  /** Move `production` to the new version when every gate passes. */
  readonly promote?: boolean;
  /** Resolves relative paths (store, data source). Default: process.cwd(). */
  readonly cwd?: string;
  readonly clock?: () => Date;
  /** Fixed run id (tests: byte-identical artifacts need a fixed manifest.runId). */
  readonly runId?: string;
  readonly onEvent?: EventSink;
  readonly toolkit?: Toolkit;
  /** The registry's file-system seam: tests inject a full or read-only disk. */
  readonly writer?: StoreWriter;
}

export interface TrainResult {
  readonly run: RunRecord;
  readonly storeRoot: string;
  readonly reportPath: string | null;
  readonly version: number | null;
  readonly promoted: boolean;
  readonly gatesPassed: boolean;
}

/** The bundled sample package, used when no data source is configured. */
export const SAMPLE_PACKAGE = new URL("../../samples/relevance-sample.b64.tar.gz", import.meta.url);

export function resolveDataSource(config: PipelineConfig, cwd: string): string {
  if (config.data.source === null) return SAMPLE_PACKAGE.pathname;
  return path.resolve(cwd, config.data.source);
}

export async function runTraining(options: TrainOptions): Promise<TrainResult> {
  const cwd = options.cwd ?? process.cwd();
  const clock = options.clock ?? (() => new Date());
  const storeRoot = resolveStoreRoot(options.config.store ?? undefined, process.env, cwd);
  const sink = options.onEvent ?? quietDisplay().sink;
  const runs = openRunStore(storeRoot);
  try {
    const recorder = new RunRecorder(runs, initialRecord(options, runs, clock, cwd), clock, sink);
    const context: StepContext = {
      config: options.config,
      configFile: options.configFile ?? null,
      promote: options.promote ?? false,
      storeRoot,
      dataSource: resolveDataSource(options.config, cwd),
      runDir: runs.runDir(recorder.record.id),
      clock,
      sink,
      recorder,
      toolkit: options.toolkit ?? defaultToolkit,
      writer: options.writer,
    };
    return await runRecorded(context, recorder);
  } finally {
    runs.close();
  }
}

async function runRecorded(context: StepContext, recorder: RunRecorder): Promise<TrainResult> {
  try {
    const outcome = await executeSteps(context);
    const run = recorder.finish(outcome.gatesPassed ? "succeeded" : "gate_failed");
    return { ...outcome, run, storeRoot: context.storeRoot };
  } catch (error) {
    recordFailure(recorder, error);
    throw error;
  }
}

function recordFailure(recorder: RunRecorder, error: unknown): void {
  const failure = isSiftError(error)
    ? { code: error.code, message: error.message }
    : { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
  try {
    recorder.log(`failed: ${failure.code}: ${failure.message}`);
    recorder.finish("failed", failure);
  } catch {
    // The store itself may be what failed (full disk): the original error is the one to report.
  }
}

function initialRecord(options: TrainOptions, runs: RunStore, clock: () => Date, cwd: string): RunRecord {
  const startedAt = clock();
  const id = options.runId ?? newRunId(startedAt);
  return {
    id,
    kind: options.kind ?? "train",
    modelName: options.config.model.name,
    status: "running",
    startedAt: startedAt.toISOString(),
    endedAt: null,
    seed: options.config.seed,
    config: options.config,
    params: {},
    metrics: null,
    dataSource: resolveDataSource(options.config, cwd),
    dataFingerprint: null,
    codeVersion: codeVersion(),
    artifact: null,
    promoted: false,
    gates: [],
    error: null,
    dir: path.join(path.dirname(runs.file), "runs", id),
    pid: process.pid,
  };
}

/** GATE_FAILED for a result whose gates did not all pass (the CLI's exit code 3). */
export function gateFailure(result: TrainResult): Error {
  const reasons = result.run.gates
    .filter((g) => !g.passed)
    .map((g) => g.detail)
    .join("; ");
  return siftError("GATE_FAILED", result.run.id, reasons);
}
