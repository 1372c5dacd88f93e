#!/usr/bin/env node
/**
 * `sift` — the command line. A thin shell: parse arguments, call a module, print, map errors to
 * exit codes. Each command group lives in its own file and registers itself here.
 */
import { Command, CommanderError } from "commander";
import { isSiftError } from "../errors.ts";
import { registerDataCommands } from "./data.ts";
import { registerModelsCommands } from "./models.ts";
import { registerServeCommands } from "./serve.ts";
import { registerTrainCommands } from "./train.ts";

const program = new Command("sift")
  .description("From labelled sentences to a production text-classification service.")
  .showHelpAfterError()
  .exitOverride();

registerDataCommands(program);
registerModelsCommands(program);
registerTrainCommands(program);
registerServeCommands(program);

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
  process.stderr.write(`sift: INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
