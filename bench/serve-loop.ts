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
export const LOG_ON = "sift /v1/predict, prediction log on";
export const SHADOW = "sift /v1/predict, log + shadow model on";
/** Rounds of the interleaved loop comparison (SIFT_BENCH_ROUNDS, default 3). */
const ROUNDS = Number(process.env.SIFT_BENCH_ROUNDS ?? "3");
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

interface LoopRow {
  readonly name: string;
  readonly figures: LoadFigures | null;
  readonly note?: string;
}

/**
 * Plain, log-on and shadow-on servers measured in turn, `ROUNDS` times, each variant's row the
 * round with its median requests/s: on a shared machine the load drifts during a run, and
 * interleaving exposes every variant to the same drift.
 */
export async function measureLoopRows<V extends { readonly name: string }>(
  variants: readonly V[],
  measure: (variant: V) => Promise<LoopRow>,
): Promise<LoopRow[]> {
  const runs = new Map<string, LoopRow[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) runs.get(variant.name)?.push(await measure(variant));
  }
  return variants.map((variant) => {
    const rows = (runs.get(variant.name) ?? []).filter((row) => row.figures !== null);
    rows.sort((a, b) => (a.figures?.requestsPerS ?? 0) - (b.figures?.requestsPerS ?? 0));
    const median = rows[Math.floor(rows.length / 2)];
    const all = rows.map((row) => Math.round(row.figures?.requestsPerS ?? 0)).join(", ");
    return {
      name: variant.name,
      figures: median?.figures ?? null,
      note: `median of ${rows.length} interleaved runs [${all}]`,
    };
  });
}

export function printLoopRatios(rows: readonly LoopRow[], logOnName: string = LOG_ON): void {
  for (const row of rows) if (row.note) console.log(`${row.name}: requests/s ${row.note}`);
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
