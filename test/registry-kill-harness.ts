/**
 * Kill a writer with SIGKILL at random moments, again and again, and check the store after each
 * kill. Used by the registry's crash test (a churning registry client) and meant for the training
 * pipeline's (`sift train --promote`) too: pass the command, and a check to run after each kill.
 */
import { spawn } from "node:child_process";

export interface KillLoopOptions {
  readonly rounds: number;
  /** The writer to start each round; it must print a line `ready` once it is about to write. */
  readonly command: readonly [string, ...string[]];
  /** Longest random wait between `ready` and the kill. */
  readonly maxDelayMs: number;
  readonly seed: number;
  /** Runs after each kill; throw to fail. */
  readonly check: (round: number) => Promise<void>;
  /** Environment for the writer, e.g. NODE_COMPILE_CACHE so each start is quick. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface KillLoopResult {
  /** Rounds where the writer was still running when killed (others finished or failed first). */
  readonly killed: number;
  readonly delays: readonly number[];
}

export async function runKillLoop(options: KillLoopOptions): Promise<KillLoopResult> {
  const random = mulberry32(options.seed);
  const delays: number[] = [];
  let killed = 0;
  for (let round = 0; round < options.rounds; round++) {
    const delay = Math.floor(random() * options.maxDelayMs);
    delays.push(delay);
    if (await startAndKill(options.command, delay, options.env ?? process.env)) killed++;
    await options.check(round);
  }
  return { killed, delays };
}

/** True if the child was killed by our signal (rather than exiting on its own first). */
async function startAndKill(
  command: readonly [string, ...string[]],
  delayMs: number,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const [file, ...args] = command;
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "inherit"], env });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve) => {
    let seen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("ready\n")) resolve();
    });
    child.on("exit", () => resolve());
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill("SIGKILL");
  return (await exited) === "SIGKILL";
}

/** A small seeded generator, so a failing round can be replayed with the same delays. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
