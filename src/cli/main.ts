#!/usr/bin/env node
/**
 * `sift` — the command line. A thin shell: parse arguments, call a module, print, map errors to
 * exit codes. Each command group lives in its own file and registers itself here.
 */
import module from "node:module";
import { Command, CommanderError } from "commander";
import { isSiftError } from "../errors.ts";
import { registerDataCommands } from "./data.ts";
import { holdYoungGeneration } from "./heap.ts";
import { registerModelsCommands } from "./models.ts";
import { registerMonitorCommands } from "./monitor.ts";
import { registerServeCommands } from "./serve.ts";
import { registerTrainCommands } from "./train.ts";

// Keep compiled, type-stripped modules on disk ($NODE_COMPILE_CACHE, else the OS temp dir): most
// of a cold start is compiling, and commands import their heavy modules only after this line.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache();
holdYoungGeneration();

const program = new Command("sift")
  .description("From labelled sentences to a production text-classification service.")
  .showHelpAfterError()
  .exitOverride();

registerDataCommands(program);
registerModelsCommands(program);
registerTrainCommands(program);
registerServeCommands(program);
registerMonitorCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error);
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are not failures.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (isSiftError(error)) {
    process.stderr.write(`sift: ${error.code}: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(
    `sift: INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 1;
}
