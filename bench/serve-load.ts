/**
 * Load generators for bench:serve. Every server is loaded the same way: wrk with the peers'
 * sentences.lua (POST bodies cycling through 2,000 real sentences) when /usr/bin/wrk exists, else
 * autocannon cycling through the same sentences.jsonl.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import autocannon from "autocannon";

const run = promisify(execFile);

export const WRK = "/usr/bin/wrk";
export const PEERS_DIR = new URL("../../shared/bench-peers/", import.meta.url).pathname;
export const SENTENCES_LUA = `${PEERS_DIR}sentences.lua`;
export const SENTENCES_JSONL = `${PEERS_DIR}sentences.jsonl`;

export interface LoadSettings {
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadFigures {
  readonly tool: "wrk" | "autocannon";
  readonly requestsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answered requests. */
  readonly requests: number;
  /** Non-2xx answers plus socket errors and timeouts: anything but a good answer. */
  readonly failures: number;
}

/** The request bodies, one JSON object per line, exactly as wrk's script sends them. */
export function sentenceBodies(): string[] {
  return readFileSync(SENTENCES_JSONL, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "");
}

export function loadTool(): "wrk" | "autocannon" {
  return existsSync(WRK) ? "wrk" : "autocannon";
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const match = /^([0-9.]+)(us|ms|s|m)$/.exec(text.trim());
  if (match === null) throw new Error(`wrk printed an unexpected duration: ${text}`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] ?? Number.NaN);
}

function sumOf(pattern: RegExp, text: string): number {
  const match = pattern.exec(text);
  if (match === null) return 0;
  return match
    .slice(1)
    .map(Number)
    .reduce((a, b) => a + b, 0);
}

/** Reads wrk's `--latency` report. */
export function parseWrk(output: string): LoadFigures {
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(output)?.[1];
  const p50 = /^\s+50%\s+(\S+)/m.exec(output)?.[1];
  const p99 = /^\s+99%\s+(\S+)/m.exec(output)?.[1];
  const requests = /([0-9]+) requests in /.exec(output)?.[1];
  if (rps === undefined || p50 === undefined || p99 === undefined || requests === undefined) {
    throw new Error(`could not read wrk's report:\n${output}`);
  }
  const non2xx = sumOf(/Non-2xx or 3xx responses:\s+([0-9]+)/, output);
  const socket = sumOf(
    /Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)/,
    output,
  );
  return {
    tool: "wrk",
    requestsPerS: Number(rps),
    p50Ms: durationMs(p50),
    p99Ms: durationMs(p99),
    requests: Number(requests),
    failures: non2xx + socket,
  };
}

async function withWrk(url: string, settings: LoadSettings): Promise<LoadFigures> {
  const { stdout } = await run(
    WRK,
    ["-t2", `-c${settings.connections}`, `-d${settings.seconds}s`, "-s", SENTENCES_LUA, "--latency", url],
    { timeout: (settings.seconds + 60) * 1000 },
  );
  return parseWrk(stdout);
}

/** autocannon, each request taking the next body in turn, as sentences.lua does for wrk. */
export async function withAutocannon(
  url: string,
  settings: LoadSettings,
  bodies: readonly string[],
): Promise<{ figures: LoadFigures; result: autocannon.Result }> {
  let next = 0;
  const result = await autocannon({
    url,
    connections: settings.connections,
    duration: settings.seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => {
          const body = bodies[next % bodies.length] ?? "";
          next += 1;
          return { ...request, body };
        },
      },
    ],
  });
  const figures: LoadFigures = {
    tool: "autocannon",
    requestsPerS: result["2xx"] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors,
  };
  return { figures, result };
}

/** Loads `url` (a POST {"sentence"} endpoint) for `settings.seconds` with the chosen tool. */
export async function loadSentences(url: string, settings: LoadSettings): Promise<LoadFigures> {
  if (loadTool() === "wrk") return withWrk(url, settings);
  return (await withAutocannon(url, settings, sentenceBodies())).figures;
}
