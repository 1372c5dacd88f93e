/**
 * Servers for bench:serve, each its own process group on 127.0.0.1: started, probed until they
 * answer, measured, stopped (the whole group, so uvicorn's workers go too).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** How to start one server and how to tell it is ready. */
export interface ServerVariant {
  /** Row name in the results table. */
  readonly name: string;
  readonly command: string;
  /** Arguments; `{port}` and `{grpcPort}` are replaced by free ports the bench picked. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Path that answers POST {"sentence": ...}. */
  readonly predictPath: string;
  /** A request that answers 200 only once the server can predict. */
  readonly ready: { readonly path: string; readonly method: "GET" | "POST" };
}

/** `sift serve` on `store` with the ports the bench picks: the arguments after node's own flags. */
export function siftServeArgs(entry: string, store: string, ...extra: string[]): string[] {
  return [entry, "serve", "--store", store, "--port", "{port}", "--grpc-port", "{grpcPort}", ...extra];
}

export interface RunningServer {
  readonly variant: ServerVariant;
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** ms from spawn to the first 200 from the ready probe. */
  readonly readyMs: number;
  /** CPU time the server process had used by then, in ms: the same work on a quiet machine. */
  readonly readyCpuMs: number;
  stop(): Promise<void>;
}

const PROBE_BODY = JSON.stringify({ sentence: "Forest fire near La Ronge Sask. Canada" });
const live = new Set<ChildProcess>();

/** Kills whatever is still running if the bench itself dies. */
process.once("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function probe(url: string, method: "GET" | "POST"): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method,
      ...(method === "POST" ? { headers: { "content-type": "application/json" }, body: PROBE_BODY } : {}),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    live.delete(child);
  };
}

/** Starts a variant and waits (up to `timeoutMs`) until its ready probe answers 200. */
export async function startServer(variant: ServerVariant, timeoutMs = 120_000): Promise<RunningServer> {
  const port = await freePort();
  const grpcPort = variant.args.includes("{grpcPort}") ? await freePort() : 0;
  const args = variant.args.map((a) =>
    a.replaceAll("{port}", String(port)).replaceAll("{grpcPort}", String(grpcPort)),
  );
  const started = performance.now();
  const child = spawn(variant.command, args, {
    cwd: variant.cwd,
    env: { ...process.env, ...variant.env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  live.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = stopper(child);
  while (!(await probe(`${baseUrl}${variant.ready.path}`, variant.ready.method))) {
    if (child.exitCode !== null || performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`${variant.name} did not become ready:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const readyMs = performance.now() - started;
  return { variant, child, baseUrl, readyMs, readyCpuMs: cpuMs(child.pid as number), stop };
}

let ticksPerSecond: number | undefined;

/** User + system CPU time of a live process, in ms (Linux /proc). */
export function cpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** Resident and peak memory of a live process, in MB (Linux /proc). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+([0-9]+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
