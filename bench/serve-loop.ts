/**
 * The production loop's rows of `npm run bench:serve`: sift with the prediction log on (the
 * default) and with a shadow model on, each compared with plain serving (log off) in the same
 * run. The target: each at least 0.8 × plain serving's requests/s.
 */
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadFigures } from "./serve-load.ts";

const CLI = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
export const PLAIN = "sift /v1/predict, prediction log off";
export const SHADOW = "sift /v1/predict, log + shadow model on";
const TARGET = 0.8;

/**
 * A copy of the bench store whose production version is also registered as version 2 and set to
 * shadow: the shadow scores with a model of the same kind and size, so the row measures the
 * shadow path's cost. A copy, because servers apply the registry's policies.
 */
export function shadowStore(store: string, dir: string): string {
  const copy = path.join(dir, "store-shadow");
  cpSync(store, copy, { recursive: true });
  const tgz = path.join(dir, "production.tgz");
  const sift = (...args: string[]) =>
    execFileSync(process.execPath, [CLI, ...args, "--store", copy], { stdio: "ignore" });
  sift("models", "export", "relevance@production", "--out", tgz);
  sift("models", "import", tgz);
  sift("traffic", "shadow", "relevance", "2");
  return copy;
}

export function printLoopRatios(
  rows: ReadonlyArray<{ readonly name: string; readonly figures: LoadFigures | null }>,
  logOnName: string,
): void {
  const rps = (name: string) => rows.find((row) => row.name === name)?.figures?.requestsPerS;
  const plain = rps(PLAIN);
  if (plain === undefined) return;
  for (const [label, name] of [
    ["prediction log on", logOnName],
    ["log + shadow model on", SHADOW],
  ] as const) {
    const value = rps(name);
    if (value === undefined) continue;
    const ratio = value / plain;
    console.log(
      `${label}: ${ratio.toFixed(2)} × plain serving's requests/s (target ≥ ${TARGET}) ${ratio >= TARGET ? "✓" : "✗"}`,
    );
  }
}
