/**
 * The production loop's commands: `sift log export`, `sift monitor report`, `sift learn` and
 * `sift traffic split|shadow|clear|show`, plus the `--with-feedback` step of `sift retrain`.
 * Thin: parse, call monitor / registry / pipeline, print.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { siftError } from "../errors.ts";
import type { FeedbackRow, SeenKeysCodec } from "../monitor/index.ts";
import type { PipelineConfig } from "../pipeline/index.ts";
import type { TrafficPolicy } from "../registry/index.ts";

interface StoreFlags {
  readonly store?: string;
  readonly log?: string;
  readonly json?: boolean;
}

/** Where the commands print; tests swap it (the test runner owns the real stdout). */
export const output = {
  write(text: string): void {
    process.stdout.write(text);
  },
};

const UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `--since`: an ISO date/time, or a duration back from now like `30m`, `6h`, `7d`. */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2] ?? "s"] ?? 1000);
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new InvalidArgumentError("use an ISO date (2026-05-01T12:00Z) or a duration (30m, 6h, 7d).");
  return time;
}

async function storeRoot(flags: StoreFlags): Promise<string> {
  const { resolveStoreRoot } = await import("../registry/index.ts");
  return resolveStoreRoot(flags.store);
}

/** The prediction log: --log, else the default inside the store. Must exist. */
async function logPathOf(flags: StoreFlags): Promise<string> {
  const { defaultLogPath } = await import("../monitor/index.ts");
  const file = flags.log ?? defaultLogPath(await storeRoot(flags));
  if (!existsSync(file)) throw siftError("LOG_NOT_FOUND", file);
  return file;
}

async function openLog(flags: StoreFlags) {
  const { LogStore } = await import("../monitor/index.ts");
  return new LogStore(await logPathOf(flags), { readOnly: true });
}

function withStore(command: Command): Command {
  return command
    .option("--store <dir>", "model store (default: $SIFT_STORE, else ./.sift)")
    .option("--log <file>", "prediction log (default: <store>/monitor/predictions.db)");
}

// ── sift log export ───────────────────────────────────────────────────────────────────────────

interface ExportFlags extends StoreFlags {
  readonly format: "jsonl" | "csv";
  readonly since?: number;
  readonly out?: string;
}

const CSV_COLUMNS = [
  "id",
  "requestId",
  "time",
  "model",
  "version",
  "score",
  "label",
  "latencyMs",
  "route",
  "variant",
  "sentenceHash",
  "sentence",
  "tokens",
  "oovTokens",
] as const;

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function exportLog(flags: ExportFlags): Promise<void> {
  const store = await openLog(flags);
  const out: NodeJS.WritableStream =
    flags.out === undefined ? process.stdout : (await import("node:fs")).createWriteStream(flags.out);
  let count = 0;
  try {
    if (flags.format === "csv") out.write(`${CSV_COLUMNS.join(",")}\n`);
    for (const row of store.rows(flags.since ?? 0)) {
      const line =
        flags.format === "csv"
          ? CSV_COLUMNS.map((c) => csvField(c === "time" ? new Date(row.time).toISOString() : row[c])).join(
              ",",
            )
          : JSON.stringify({ ...row, time: new Date(row.time).toISOString() });
      if (!out.write(`${line}\n`)) await new Promise((resolve) => out.once("drain", resolve));
      count++;
    }
  } finally {
    store.close();
    if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  if (flags.out !== undefined) process.stderr.write(`sift: exported ${count} predictions to ${flags.out}\n`);
}

// ── sift monitor report ───────────────────────────────────────────────────────────────────────

interface ReportFlags extends StoreFlags {
  readonly out: string;
  readonly since?: number;
  readonly bucket: number;
}

async function references(storeDir: string, versions: ReadonlyArray<{ model: string; version: number }>) {
  const [{ openRegistry }, { foldLabelMix, parseReference }] = await Promise.all([
    import("../registry/index.ts"),
    import("../monitor/index.ts"),
  ]);
  const registry = openRegistry(storeDir);
  const out = new Map<string, NonNullable<ReturnType<typeof parseReference>>>();
  const policies: Record<string, TrafficPolicy> = {};
  const served: Array<{ name: string; version: number; reference: string }> = [];
  try {
    for (const { model, version } of versions) {
      const key = `${model}@${version}`;
      if (out.has(key)) continue;
      const artifact = await registry.load(model, version).catch(() => null);
      const parsed = artifact === null ? null : parseReference(artifact.manifest.reference);
      if (artifact !== null && parsed !== null) {
        const { positive, negative } = artifact.manifest.labels;
        out.set(key, foldLabelMix(parsed, positive, negative));
      }
    }
    for (const summary of await registry.list()) {
      policies[summary.name] = await registry.getTrafficPolicy(summary.name);
      const production = summary.aliases.production;
      if (production !== undefined)
        served.push({ name: summary.name, version: production, reference: `${summary.name}@production` });
    }
  } finally {
    registry.close();
  }
  return { references: out, policies, served };
}

async function report(flags: ReportFlags): Promise<void> {
  const { renderReport, summarizeLog } = await import("../monitor/index.ts");
  const store = await openLog(flags);
  try {
    const context = await references(await storeRoot(flags), store.versions());
    const summary = summarizeLog(store, {
      references: context.references,
      bucketMs: flags.bucket * 60_000,
      ...(flags.since === undefined ? {} : { since: flags.since }),
    });
    await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
    await writeFile(
      flags.out,
      renderReport({ ...summary, served: context.served, policies: context.policies }),
    );
    if (flags.json === true)
      output.write(`${JSON.stringify({ report: flags.out, ...summary, series: undefined }, null, 2)}\n`);
    else output.write(`${describeSummary(summary)}report: ${flags.out}\n`);
  } finally {
    store.close();
  }
}

function describeSummary(summary: import("../monitor/index.ts").MonitorSummary): string {
  const lines = [`predictions logged: ${summary.log.rows}, feedback: ${summary.log.feedback}`];
  for (const m of summary.live) {
    lines.push(
      `${m.model}@${m.version}${m.route === "shadow" ? " (shadow)" : ""}: ${m.predictions} predictions, ${m.labelled} with feedback, precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, F1 ${m.f1.toFixed(3)}`,
    );
  }
  for (const d of summary.drift) {
    const state = d.alerts.length === 0 ? "no drift" : `DRIFT: ${d.alerts.join(", ")}`;
    lines.push(
      `${d.model}@${d.version}: score PSI ${d.scorePsi.toFixed(3)}, OOV ${d.oovRate.toFixed(3)} — ${state}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// ── sift learn ────────────────────────────────────────────────────────────────────────────────

interface LearnFlags extends StoreFlags {
  readonly model?: string;
  readonly since?: number;
  readonly config?: string;
}

async function learn(flags: LearnFlags): Promise<void> {
  const [{ configFromFlags }, pipeline, monitor, registryModule, data] = await Promise.all([
    import("./train.ts"),
    import("../pipeline/index.ts"),
    import("../monitor/index.ts"),
    import("../registry/index.ts"),
    import("../data/index.ts"),
  ]);
  const { config } = await configFromFlags({
    ...flags,
    ...(flags.model === undefined ? {} : { name: flags.model }),
  });
  const name = config.model.name;
  const store = await openLog(flags);
  const feedback = usable(store.feedbackRows(flags.since ?? 0));
  store.close();
  if (feedback.length === 0) throw siftError("NO_FEEDBACK", store.path, sinceText(flags.since));
  const registry = registryModule.openRegistry(await storeRoot(flags));
  try {
    const result = await monitor.learnFromFeedback({
      registry,
      name,
      feedback,
      championMetric: config.gates.championMetric,
      seed: config.seed,
      gates: (metrics, champion) => pipeline.evaluateGates(config.gates, metrics, champion),
      trainingRows: async () => {
        const prepared = await data.prepareData(pipeline.resolveDataSource(config, process.cwd()), {
          table: config.data.table,
          textColumn: config.data.textColumn,
          labelColumn: config.data.labelColumn,
          classLabelColumn: config.data.classLabelColumn,
          cleaning: config.data.cleaning,
          keepRawRows: false,
        });
        return {
          texts: prepared.rows.map((r) => r.text),
          labels: prepared.rows.map((r) => r.label),
          keys: prepared.rows.map((r) => r.key),
        };
      },
      seenKeys: seenKeysCodec(pipeline, data, config.data.cleaning),
    });
    const text = () =>
      `${name}@${result.version} registered from ${result.feedbackUsed} feedback rows (${result.method} on version ${result.base.version}; ${result.holdout} held out)\n` +
      `${result.gates.map((g) => `  ${g.passed ? "pass" : "FAIL"} ${g.detail}`).join("\n")}\n` +
      (result.candidate
        ? `candidate → ${name}@${result.version}; production unchanged. Compare live: sift traffic shadow ${name} ${result.version}\n`
        : "gates failed: registered, not marked candidate\n");
    await noteEvent(flags, {
      kind: "candidate",
      detail: `sift learn registered version ${result.version} (${result.method} on ${result.feedbackUsed} feedback rows)${result.candidate ? "" : "; gates failed"}`,
      model: name,
      version: result.version,
    });
    output.write(flags.json === true ? `${JSON.stringify(result, null, 2)}\n` : text());
    if (!result.gatesPassed) process.exitCode = 3;
  } finally {
    registry.close();
  }
}

function usable(rows: readonly FeedbackRow[]): FeedbackRow[] {
  return rows.filter((row) => row.sentence !== null && row.sentence.length > 0);
}

function sinceText(since: number | undefined): string {
  return since === undefined ? "the start" : new Date(since).toISOString();
}

/** `sift retrain --with-feedback`: the config trains on the data with the log's feedback merged. */
export async function configWithFeedback(
  config: PipelineConfig,
  flags: { readonly log?: string; readonly store?: string },
): Promise<PipelineConfig> {
  const { mergeFeedback } = await import("../pipeline/index.ts");
  const root = flags.store ?? config.store ?? undefined;
  const store = await openLog({ ...flags, ...(root === undefined ? {} : { store: root }) });
  const feedback = usable(store.feedbackRows()).map((row) => ({
    text: row.sentence ?? "",
    label: row.label,
  }));
  store.close();
  if (feedback.length === 0) throw siftError("NO_FEEDBACK", store.path, "the start");
  const merge = await mergeFeedback(config, feedback, {
    cwd: process.cwd(),
    outDir: path.join(await storeRoot(root === undefined ? {} : { store: root }), "feedback"),
    stamp: new Date().toISOString().replace(/[:.]/g, "-"),
  });
  process.stderr.write(
    `sift: training on ${merge.rows} rows: ${merge.trainingRows} training rows, ${feedback.length} feedback (${merge.replaced} relabelled, ${merge.added} new) → ${merge.path}\n`,
  );
  return merge.config;
}

/**
 * The seen-keys file as training writes it, for `sift learn`'s candidates: feedback sentences are
 * cleaned with the pipeline's text transforms before they are keyed, as they would be as rows of
 * a data package, so a later champion gate recognises them.
 */
function seenKeysCodec(
  pipeline: typeof import("../pipeline/index.ts"),
  data: typeof import("../data/index.ts"),
  cleaning: PipelineConfig["data"]["cleaning"],
): SeenKeysCodec {
  const transforms = data.textTransforms(data.resolveCleaningConfig(cleaning));
  return {
    file: pipeline.SEEN_KEYS_FILE,
    format: pipeline.SEEN_KEYS_FORMAT,
    keyOf: (sentence) => data.normalisedKey(transforms.reduce((text, t) => t.apply(text), sentence)),
    encode: pipeline.encodeSeenKeys,
    merge: pipeline.mergeSeenKeys,
  };
}

/** Puts a milestone on the prediction log's timeline (skipped when there is no log). */
async function noteEvent(
  flags: StoreFlags,
  event: { kind: string; detail: string; model: string; version: number | null },
): Promise<void> {
  const { LogStore, defaultLogPath } = await import("../monitor/index.ts");
  const file = flags.log ?? defaultLogPath(await storeRoot(flags));
  if (!existsSync(file)) return;
  const store = new LogStore(file);
  try {
    store.addEvent({ time: Date.now(), ...event });
  } finally {
    store.close();
  }
}

/** After `sift retrain --with-feedback`: the new version on the report's timeline. */
export async function noteRetrained(
  result: {
    readonly version: number | null;
    readonly promoted: boolean;
    readonly run: { readonly modelName: string };
  },
  flags: { readonly log?: string; readonly store?: string },
): Promise<void> {
  if (result.version === null) return;
  await noteEvent(flags, {
    kind: result.promoted ? "promoted" : "candidate",
    detail: `sift retrain --with-feedback registered version ${result.version}${result.promoted ? " and promoted it" : " as candidate"}`,
    model: result.run.modelName,
    version: result.version,
  });
}

// ── sift traffic ──────────────────────────────────────────────────────────────────────────────

/** `3=0.9 4=0.1` → split entries; weights must sum to 1 (the registry checks the rest). */
export function parseSplit(pairs: readonly string[]): TrafficPolicy["split"] {
  const text = pairs.join(" ");
  const split = pairs.map((pair) => {
    const match = /^(\d+)=(\d*\.?\d+)$/.exec(pair);
    if (match === null)
      throw siftError(
        "TRAFFIC_SPLIT_INVALID",
        JSON.stringify(text),
        `${JSON.stringify(pair)} is not version=weight`,
      );
    return { version: Number(match[1]), weight: Number(match[2]) };
  });
  const total = split.reduce((sum, entry) => sum + entry.weight, 0);
  if (split.length === 0 || Math.abs(total - 1) > 1e-9) {
    throw siftError("TRAFFIC_SPLIT_INVALID", JSON.stringify(text), `the weights sum to ${total}`);
  }
  return split;
}

function parseVersion(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError("a version is a whole number from 1.");
  return n;
}

async function withRegistry<T>(
  flags: StoreFlags,
  work: (registry: import("../registry/index.ts").Registry) => Promise<T>,
) {
  const { openRegistry } = await import("../registry/index.ts");
  const registry = openRegistry(await storeRoot(flags));
  try {
    return await work(registry);
  } finally {
    registry.close();
  }
}

function describePolicy(name: string, policy: TrafficPolicy): string {
  const split =
    policy.split.map((s) => `v${s.version} ${(s.weight * 100).toFixed(1)}%`).join(", ") ||
    "all to production";
  const shadow = policy.shadow.map((v) => `v${v}`).join(", ") || "none";
  return `${name}: split ${split}; shadow ${shadow}\n`;
}

async function updatePolicy(
  name: string,
  flags: StoreFlags,
  change: (current: TrafficPolicy) => TrafficPolicy,
): Promise<void> {
  await withRegistry(flags, async (registry) => {
    const policy = change(await registry.getTrafficPolicy(name));
    await registry.setTrafficPolicy(name, policy);
    output.write(
      flags.json === true ? `${JSON.stringify({ name, ...policy })}\n` : describePolicy(name, policy),
    );
  });
}

function registerTraffic(program: Command): void {
  const traffic = program
    .command("traffic")
    .description("A/B splits and shadow versions, applied by running servers without a restart.");
  const common = (command: Command) => withStore(command).option("--json", "print the policy as JSON");
  common(traffic.command("split <name> <pairs...>"))
    .description("Split traffic between versions by weight, e.g. `sift traffic split relevance 3=0.9 4=0.1`.")
    .action((name: string, pairs: string[], flags: StoreFlags) =>
      updatePolicy(name, flags, (current) => ({ ...current, split: parseSplit(pairs) })),
    );
  common(traffic.command("shadow <name> <versions...>"))
    .description("Versions that also score every request; their answers are logged, never returned.")
    .action((name: string, versions: string[], flags: StoreFlags) =>
      updatePolicy(name, flags, (current) => ({ ...current, shadow: versions.map(parseVersion) })),
    );
  common(traffic.command("clear <name>"))
    .description("End the experiment: all traffic to the production alias, no shadows.")
    .action((name: string, flags: StoreFlags) =>
      updatePolicy(name, flags, () => ({ split: [], shadow: [] })),
    );
  common(traffic.command("show [name]"))
    .description("Show the traffic policy of one model, or of every model.")
    .action((name: string | undefined, flags: StoreFlags) =>
      withRegistry(flags, async (registry) => {
        const names = name === undefined ? (await registry.list()).map((m) => m.name) : [name];
        const policies: Record<string, TrafficPolicy> = {};
        for (const n of names) policies[n] = await registry.getTrafficPolicy(n);
        output.write(
          flags.json === true
            ? `${JSON.stringify(policies, null, 2)}\n`
            : Object.entries(policies)
                .map(([n, p]) => describePolicy(n, p))
                .join("") || "no models\n",
        );
      }),
    );
}

export function registerMonitorCommands(program: Command): void {
  const since = (value: string) => parseSince(value);
  withStore(program.command("log").description("The prediction log.").command("export"))
    .description("Write logged predictions as JSONL (default) or CSV.")
    .option(
      "--format <format>",
      "jsonl or csv",
      (value: string) => {
        if (value !== "jsonl" && value !== "csv") throw new InvalidArgumentError("use jsonl or csv.");
        return value;
      },
      "jsonl",
    )
    .option("--since <when>", "only predictions since an ISO time or a duration back (30m, 6h, 7d)", since)
    .option("--out <file>", "write to a file instead of stdout")
    .action((flags: ExportFlags) => exportLog(flags));

  withStore(program.command("monitor").description("Monitoring of served models.").command("report"))
    .description(
      "Write a self-contained HTML report: live metrics, drift, traffic, A/B comparison, plots over time.",
    )
    .option("--out <file>", "report file", "sift-monitor-report.html")
    .option("--since <when>", "only traffic since an ISO time or a duration back (30m, 6h, 7d)", since)
    .option(
      "--bucket <minutes>",
      "width of a time bucket in the plots, in minutes",
      (v: string) => {
        const n = Number(v);
        if (!(n > 0)) throw new InvalidArgumentError("a positive number of minutes.");
        return n;
      },
      1,
    )
    .option("--json", "print the summary as JSON")
    .action((flags: ReportFlags) => report(flags));

  withStore(program.command("learn"))
    .description("Apply new feedback to an SGD model (partialFit) and register it as the candidate version.")
    .option("--model <name>", "model name (default: the config's, else relevance)")
    .option("--since <when>", "only feedback since an ISO time or a duration back (30m, 6h, 7d)", since)
    .option("--config <file>", "YAML or JSON config: gates and training data (default: ./sift.config.yaml)")
    .option("--json", "print the result as JSON")
    .action((flags: LearnFlags) => learn(flags));

  registerTraffic(program);
}

// ── sift serve: the prediction log flags ─────────────────────────────────────────────────────

/** Adds the production-loop flags to `sift serve`. */
export function withLoopOptions(command: Command): Command {
  return command
    .option("--prediction-log <file>", "prediction log (default: <store>/monitor/predictions.db)")
    .option("--no-prediction-log", "do not log predictions (no feedback, drift or shadows)")
    .option("--log-keep-sentences", "keep sentence text in the prediction log (default: only its sha256)");
}

/** The loop options `sift serve` passes to the service, from the flags `withLoopOptions` adds. */
export async function loopOptionsFromFlags(
  flags: { readonly predictionLog?: string | boolean; readonly logKeepSentences?: boolean },
  storeDir: string,
): Promise<import("../serve/index.ts").ProductionLoopOptions | undefined> {
  if (flags.predictionLog === false) return undefined;
  const { defaultLogPath } = await import("../monitor/index.ts");
  const logPath = typeof flags.predictionLog === "string" ? flags.predictionLog : defaultLogPath(storeDir);
  return { logPath, keepSentences: flags.logKeepSentences === true };
}
