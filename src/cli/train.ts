/**
 * `sift train`, `sift retrain`, `sift runs list|show|compare` and `sift up`: argument parsing and
 * printing over the pipeline module. Progress goes to stderr; stdout carries the answer (JSON
 * with --json), so scripts can pipe it.
 */
import { type Command, InvalidArgumentError } from "commander";
import { siftError } from "../errors.ts";
import type { PipelineConfig, RunStore, TrainResult } from "../pipeline/index.ts";
import { configWithFeedback, noteRetrained } from "./monitor.ts";

/**
 * The pipeline and the registry are imported when a command runs, not when the CLI starts, so
 * `sift serve` and `sift --help` do not pay for them.
 */
const pipeline = () => import("../pipeline/index.ts");
const storeRoot = async (option?: string) => (await import("../registry/index.ts")).resolveStoreRoot(option);

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

interface TrainFlags {
  readonly data?: string;
  readonly config?: string;
  readonly store?: string;
  readonly name?: string;
  readonly seed?: number;
  readonly promote?: boolean;
  readonly json?: boolean;
  /** retrain: merge the prediction log's feedback into the training data. */
  readonly withFeedback?: boolean;
  readonly log?: string;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
    throw new InvalidArgumentError("the seed is an integer from 0 to 2147483647.");
  }
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError("a port is an integer from 0 to 65535.");
  return n;
}

/** Config file (or defaults), then the command-line flags on top. */
export async function configFromFlags(
  flags: TrainFlags,
  cwd = process.cwd(),
): Promise<{ config: PipelineConfig; file: string | null }> {
  const { loadConfig, resolveConfig } = await pipeline();
  const loaded = loadConfig(flags.config === undefined ? { cwd } : { file: flags.config, cwd });
  const c = loaded.config;
  const config = resolveConfig({
    ...c,
    seed: flags.seed ?? c.seed,
    store: flags.store ?? c.store,
    data: { ...c.data, source: flags.data ?? c.data.source },
    model: { ...c.model, name: flags.name ?? c.model.name },
  });
  return { config, file: loaded.file };
}

function withTrainOptions(command: Command): Command {
  return command
    .option(
      "--data <source>",
      "data package (.tar.gz), SQLite, CSV or JSONL file (default: the bundled sample)",
    )
    .option("--config <file>", "YAML or JSON config (default: ./sift.config.yaml when present)")
    .option("--store <dir>", "model store (default: $SIFT_STORE or ./.sift)")
    .option("--name <name>", "model name in the registry (default: relevance)")
    .option("--seed <n>", "seed for splits, folds and the solver", parseSeed)
    .option("--json", "print the run as JSON, no progress");
}

async function train(flags: TrainFlags, kind: "train" | "retrain"): Promise<TrainResult> {
  const { config: configured, file } = await configFromFlags(flags);
  const { chooseDisplay, formatTrainResult, gateFailure, runTraining } = await pipeline();
  const config = flags.withFeedback === true ? await configWithFeedback(configured, flags) : configured;
  const display = chooseDisplay({ json: flags.json === true, stream: process.stderr });
  let result: TrainResult;
  try {
    result = await runTraining({
      config,
      configFile: file,
      kind,
      promote: flags.promote ?? kind === "retrain",
      onEvent: display.sink,
    });
  } finally {
    display.stop();
  }
  if (flags.withFeedback === true) await noteRetrained(result, flags);
  print(flags.json === true, result, () => formatTrainResult(result));
  if (!result.gatesPassed) throw gateFailure(result);
  return result;
}

export function registerTrainCommands(program: Command): void {
  withTrainOptions(program.command("train"))
    .description("Train a model: read, clean, split, select, fit, evaluate, gate, register, report.")
    .option("--promote", "move the production alias to the new version when every gate passes")
    .action(async (flags: TrainFlags) => {
      await train(flags, "train");
    });

  withTrainOptions(program.command("retrain"))
    .description("Train, gate against production, and promote when the gates pass (for cron and CI).")
    .option("--with-feedback", "merge the prediction log's feedback into the training data (feedback wins)")
    .option("--no-promote", "register the winner as candidate instead (to A/B or shadow it first)")
    .option("--log <file>", "prediction log for --with-feedback (default: <store>/monitor/predictions.db)")
    .action(async (flags: TrainFlags) => {
      await train(flags, "retrain");
    });

  registerRunsCommands(program);
  registerUpCommand(program);
}

interface RunsFlags {
  readonly store?: string;
  readonly json?: boolean;
  readonly limit?: number;
  readonly name?: string;
}

async function withRunStore(
  flags: RunsFlags,
  use: (store: RunStore, formats: Awaited<ReturnType<typeof pipeline>>) => void,
): Promise<void> {
  const formats = await pipeline();
  const store = formats.openRunStore(await storeRoot(flags.store));
  try {
    use(store, formats);
  } finally {
    store.close();
  }
}

function registerRunsCommands(program: Command): void {
  const runs = program.command("runs").description("Training runs: list, show, compare.");
  runs
    .command("list")
    .description("List recent runs, newest first.")
    .option("--store <dir>", "model store (default: $SIFT_STORE or ./.sift)")
    .option("--name <name>", "only runs of this model")
    .option("--limit <n>", "how many runs", (v) => parsePositive(v), 50)
    .option("--json", "print JSON")
    .action((flags: RunsFlags) =>
      withRunStore(flags, (store, { formatRunList }) => {
        const options =
          flags.name === undefined
            ? { limit: flags.limit ?? 50 }
            : { limit: flags.limit ?? 50, modelName: flags.name };
        const list = store.list(options);
        print(flags.json === true, list, () => formatRunList(list));
      }),
    );
  runs
    .command("show <id>")
    .description("Show one run: settings, metrics, gates, artifact, report and log (`latest` = newest).")
    .option("--store <dir>", "model store (default: $SIFT_STORE or ./.sift)")
    .option("--json", "print JSON")
    .action((id: string, flags: RunsFlags) =>
      withRunStore(flags, (store, { formatRun }) => {
        const run = store.get(id);
        const log = store.log(run.id);
        print(flags.json === true, { ...run, log }, () => formatRun(run, log));
      }),
    );
  runs
    .command("compare <a> <b>")
    .description("Compare two runs side by side: every metric and every setting that differs.")
    .option("--store <dir>", "model store (default: $SIFT_STORE or ./.sift)")
    .option("--json", "print JSON")
    .action((a: string, b: string, flags: RunsFlags) =>
      withRunStore(flags, (store, { compareRuns, formatComparison }) => {
        const comparison = compareRuns(store.get(a), store.get(b));
        print(flags.json === true, comparison, () => formatComparison(comparison));
      }),
    );
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a positive integer.");
  return n;
}

interface UpFlags extends TrainFlags {
  readonly port?: number;
  readonly host: string;
}

function registerUpCommand(program: Command): void {
  withTrainOptions(program.command("up"))
    .description(
      "Train on the bundled sample (or --data), promote, and serve — skipping training when nothing changed.",
    )
    .option("--port <port>", "port to serve on (default: $PORT, else 8080)", parsePort)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .action(async (flags: UpFlags) => {
      const { config } = await configFromFlags(flags);
      const current = await (await pipeline()).productionIsCurrent(config);
      if (current.version === null) {
        process.stderr.write(`sift up: training (${current.reason})\n`);
        await train({ ...flags, promote: true }, "train");
      } else {
        process.stderr.write(`sift up: not retraining: ${current.reason}\n`);
      }
      await serveProduction(program, config, flags);
    });
}

/** Hands over to `sift serve` (the serve module's command) on the same store and model. */
async function serveProduction(program: Command, config: PipelineConfig, flags: UpFlags): Promise<void> {
  const serve = program.commands.find((c) => c.name() === "serve");
  if (serve === undefined) throw siftError("USAGE", "This build of sift has no `serve` command");
  const store = await storeRoot(config.store ?? undefined);
  // Exactly `sift serve` (prediction log on, its defaults); without --port it reads $PORT itself.
  const port = flags.port === undefined ? [] : ["--port", String(flags.port)];
  await serve.parseAsync(
    ["--store", store, "--model", `${config.model.name}@production`, ...port, "--host", flags.host],
    { from: "user" },
  );
}
