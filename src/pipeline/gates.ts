/**
 * Quality gates, pure: bounds on the candidate's test metrics, and champion/challenger — the
 * candidate may trail the production model, both scored on the very same rows (the test rows the
 * champion never saw: champion.ts), by at most the tolerance. Scoring is the caller's job; this
 * only judges numbers.
 */
import type { PipelineConfig } from "./config-schema.ts";
import type { GateResult } from "./runs-types.ts";

const LOWER_IS_BETTER = new Set<string>(["log_loss", "brier"]);

export interface ChampionScore {
  readonly version: number;
  /** The champion's value of `gates.championMetric` on the compared rows. */
  readonly value: number;
  /** The candidate's value on those same rows; absent = its test metric (all its test rows). */
  readonly candidate?: number;
  /** Which rows were compared, for the gate's detail ("on 87 of 165 test rows …"). */
  readonly rows?: string;
  /**
   * 90 % paired-bootstrap interval of candidate − champion on those rows. When given, a candidate
   * worse beyond the tolerance as observed still passes if the interval's favourable edge is within
   * it: the difference is then not distinguishable from sampling noise on that many rows.
   */
  readonly difference?: { readonly low: number; readonly high: number };
}

/** The champion exists but the comparison was not made (too few rows it never saw): the gate passes and says why. */
export interface ChampionSkipped {
  readonly version: number;
  readonly skipped: string;
}

export type ChampionComparison = ChampionScore | ChampionSkipped;

export function evaluateGates(
  gates: PipelineConfig["gates"],
  testMetrics: Readonly<Record<string, number>>,
  champion: ChampionComparison | null,
): GateResult[] {
  const results = gates.metrics.flatMap((gate) => metricGate(gate, testMetrics));
  if (gates.champion) results.push(championGate(gates, testMetrics, champion));
  return results;
}

function metricGate(
  gate: PipelineConfig["gates"]["metrics"][number],
  metrics: Readonly<Record<string, number>>,
): GateResult[] {
  const actual = metrics[gate.metric];
  const out: GateResult[] = [];
  if (gate.min !== undefined)
    out.push(bound(`test.${gate.metric} >= ${gate.min}`, actual, gate.min, (a, b) => a >= b));
  if (gate.max !== undefined)
    out.push(bound(`test.${gate.metric} <= ${gate.max}`, actual, gate.max, (a, b) => a <= b));
  return out;
}

function bound(
  name: string,
  actual: number | undefined,
  expected: number,
  holds: (a: number, b: number) => boolean,
): GateResult {
  if (actual === undefined || Number.isNaN(actual)) {
    return {
      gate: name,
      passed: false,
      actual: null,
      expected,
      detail: `${name}: the metric was not computed`,
    };
  }
  const passed = holds(actual, expected);
  return {
    gate: name,
    passed,
    actual,
    expected,
    detail: `${name}: ${passed ? "passed" : "failed"} with ${round(actual)}`,
  };
}

function championGate(
  gates: PipelineConfig["gates"],
  metrics: Readonly<Record<string, number>>,
  champion: ChampionComparison | null,
): GateResult {
  const metric = gates.championMetric;
  const name = `champion ${metric} (tolerance ${gates.championTolerance})`;
  if (champion === null || "skipped" in champion) {
    return {
      gate: name,
      passed: true,
      actual: metrics[metric] ?? null,
      expected: null,
      detail: champion === null ? "no production model yet" : champion.skipped,
    };
  }
  const actual = champion.candidate ?? metrics[metric];
  // Losses improve downwards: "not worse" then means "not higher by more than the tolerance".
  const lower = LOWER_IS_BETTER.has(metric);
  const expected = lower
    ? champion.value + gates.championTolerance
    : champion.value - gates.championTolerance;
  if (actual === undefined || Number.isNaN(actual)) {
    return { gate: name, passed: false, actual: null, expected, detail: `${metric} was not computed` };
  }
  const observed = lower ? actual <= expected + 1e-12 : actual >= expected - 1e-12;
  const noise = withinNoise(champion, lower, gates.championTolerance);
  const passed = observed || noise;
  const on = champion.rows === undefined ? "" : ` on ${champion.rows}`;
  const comparison = `candidate ${metric} ${round(actual)} vs production v${champion.version} ${round(champion.value)}${on}`;
  return {
    gate: name,
    passed,
    actual,
    expected,
    detail: `${comparison}: ${verdict(observed, noise, champion)}`,
  };
}

/** Whether the favourable edge of the bootstrap interval is within the tolerance. */
function withinNoise(champion: ChampionScore, lower: boolean, tolerance: number): boolean {
  const interval = champion.difference;
  if (interval === undefined) return false;
  return lower ? interval.low <= tolerance + 1e-12 : interval.high >= -tolerance - 1e-12;
}

function verdict(observed: boolean, withinNoise: boolean, champion: ChampionScore): string {
  if (observed) return "not worse beyond tolerance";
  const interval = champion.difference;
  if (withinNoise && interval !== undefined) {
    return `worse beyond tolerance as observed, but within sampling noise (90% interval of the difference ${signed(interval.low)} to ${signed(interval.high)})`;
  }
  return "worse by more than the tolerance";
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(4)}`;
}

export function failedGates(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => !r.passed);
}

function round(value: number): string {
  return value.toFixed(4);
}
