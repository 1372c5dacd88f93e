/**
 * `sift serve` and `sift predict`: argument parsing and printing over the serve module.
 * `serve` runs until SIGTERM or SIGINT, then drains in-flight requests before exiting.
 *
 * Only commander, the error catalogue (already loaded by main.ts) and types are imported at the
 * top: the serve module (Fastify, gRPC, learn, the registry) is imported inside the actions, so
 * `sift --help` and every other command start without paying for it.
 */
import { type Command, InvalidArgumentError } from "commander";
import { siftError } from "../errors.ts";
import type { PredictOutcome, RunningService } from "../serve/index.ts";
import { loopOptionsFromFlags, withLoopOptions } from "./monitor.ts";

/** The serve module's DEFAULT_MODEL_REF, repeated for help text only (importing it is heavy). */
const DEFAULT_MODEL_REF_TEXT = "relevance@production";
const DEFAULT_PORT = 8080;
const DEFAULT_GRPC_PORT = 50051;

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65535)
    throw new InvalidArgumentError("a port number from 0 to 65535.");
  return port;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || n < 1) throw new InvalidArgumentError("a positive whole number.");
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --port, else $PORT (Cloud Run, Heroku and friends set it), else 8080. */
export function httpPort(flag: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return flag;
  const fromEnv = env.PORT;
  if (fromEnv === undefined || fromEnv === "") return DEFAULT_PORT;
  if (!/^[0-9]+$/.test(fromEnv) || Number(fromEnv) > 65535) {
    throw siftError("SERVE_OPTION_INVALID", "PORT", JSON.stringify(fromEnv), "set it to a port number");
  }
  return Number(fromEnv);
}

interface ServeFlags {
  readonly store?: string;
  readonly model: string[];
  readonly host: string;
  readonly port?: number;
  readonly grpcPort: number;
  readonly maxSentenceLength?: number;
  readonly maxBatch?: number;
  readonly bodyLimit?: number;
  readonly requestTimeout?: number;
  readonly logLevel: string;
  readonly logSentences?: boolean;
  readonly docs: boolean;
  readonly predictionLog?: string | boolean;
  readonly logKeepSentences?: boolean;
}

function stopOnSignals(service: RunningService): void {
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`sift serve: ${signal}: draining in-flight requests\n`);
    service.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`sift serve: shutdown failed: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

function registerServe(program: Command): void {
  withLoopOptions(program.command("serve"))
    .description(
      "Serve a model: REST with OpenAPI (Swagger UI at /docs), the Open Inference Protocol (/v2) and gRPC.",
    )
    .option("--store <dir>", "model store (default: $SIFT_STORE, else ./.sift)")
    .option(
      "--model <ref>",
      `model to serve, name@alias or name@version; repeat for more (default ${DEFAULT_MODEL_REF_TEXT})`,
      collect,
      [],
    )
    .option("--host <host>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
    .option("--port <port>", `HTTP port (default: $PORT, else ${DEFAULT_PORT})`, parsePort)
    .option("--grpc-port <port>", "gRPC port; 0 turns gRPC off", parsePort, DEFAULT_GRPC_PORT)
    .option("--max-sentence-length <chars>", "longest sentence accepted (default 5000)", parsePositive)
    .option("--max-batch <n>", "most sentences in one request (default 1000)", parsePositive)
    .option("--body-limit <bytes>", "largest request body (default about 15 MB)", parsePositive)
    .option(
      "--request-timeout <ms>",
      "time allowed to receive and answer a request (default 10000)",
      parsePositive,
    )
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent", "info")
    .option("--log-sentences", "log request sentences (off by default: they may hold personal data)")
    .option("--no-docs", "do not serve Swagger UI at /docs")
    .action(async (flags: ServeFlags) => {
      const port = httpPort(flags.port);
      const [{ resolveStoreRoot }, { startService, DEFAULT_MODEL_REF }] = await Promise.all([
        import("../registry/index.ts"),
        import("../serve/index.ts"),
      ]);
      const service = await startService({
        store: resolveStoreRoot(flags.store),
        models: flags.model.length > 0 ? flags.model : [DEFAULT_MODEL_REF],
        host: flags.host,
        port,
        grpcPort: flags.grpcPort === 0 ? null : flags.grpcPort,
        limits: {
          maxSentenceLength: flags.maxSentenceLength,
          maxBatch: flags.maxBatch,
          bodyLimit: flags.bodyLimit,
          requestTimeoutMs: flags.requestTimeout,
          handlerTimeoutMs: flags.requestTimeout,
        },
        logLevel: flags.logLevel,
        logSentences: flags.logSentences === true,
        docs: flags.docs,
        loop: await loopOptionsFromFlags(flags, resolveStoreRoot(flags.store)),
      });
      stopOnSignals(service);
    });
}

interface PredictFlags {
  readonly store?: string;
  readonly model?: string;
  readonly explain?: boolean;
  readonly json?: boolean;
}

function formatOutcome(outcome: PredictOutcome): string {
  const { model, predictions, explanation } = outcome;
  const prediction = predictions[0];
  if (prediction === undefined) return "";
  const lines = [
    `${prediction.label}  p=${prediction.probability.toFixed(4)}  threshold=${model.manifest.threshold}  model=${model.name}@${model.version}`,
  ];
  if (explanation !== undefined) {
    lines.push(`score ${explanation.score.toFixed(4)} = bias ${explanation.bias.toFixed(4)} + features:`);
    for (const f of explanation.features)
      lines.push(`  ${f.contribution >= 0 ? "+" : "-"}${Math.abs(f.contribution).toFixed(4)}  ${f.feature}`);
  }
  return `${lines.join("\n")}\n`;
}

function outcomeJson(outcome: PredictOutcome) {
  const { model, predictions, explanation } = outcome;
  const prediction = predictions[0];
  return {
    label: prediction?.label,
    probability: prediction?.probability,
    threshold: model.manifest.threshold,
    model: { name: model.name, version: model.version },
    id: prediction?.id,
    ...(explanation === undefined ? {} : { explanation }),
  };
}

function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("Classify one sentence with a model from the store, without a server.")
    .argument("<sentence>", "text to classify")
    .option("--store <dir>", "model store (default: $SIFT_STORE, else ./.sift)")
    .option("--model <ref>", `name, name@alias or name@version (default ${DEFAULT_MODEL_REF_TEXT})`)
    .option("--explain", "show the features behind the decision")
    .option("--json", "print JSON (the same shape as POST /v1/predict)")
    .action(async (sentence: string, flags: PredictFlags) => {
      if (!/\S/.test(sentence)) throw siftError("EMPTY_SENTENCE", "The sentence");
      const [{ resolveStoreRoot }, { predictOffline, DEFAULT_MODEL_REF }] = await Promise.all([
        import("../registry/index.ts"),
        import("../serve/index.ts"),
      ]);
      const outcome = await predictOffline({
        store: resolveStoreRoot(flags.store),
        model: flags.model ?? DEFAULT_MODEL_REF,
        sentences: [sentence],
        explain: flags.explain === true,
      });
      process.stdout.write(
        flags.json === true ? `${JSON.stringify(outcomeJson(outcome), null, 2)}\n` : formatOutcome(outcome),
      );
    });
}

export function registerServeCommands(program: Command): void {
  registerServe(program);
  registerPredict(program);
}
