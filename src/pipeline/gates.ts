/**
 * Quality gates, pure: bounds on the candidate's test metrics, and champion/challenger — the
 * candidate may trail the production model, scored on the very same test rows, by at most the
 * tolerance. Scoring the champion is the caller's job; this only judges numbers.
 */
import type { PipelineConfig } from "./config-schema.ts";
import type { GateResult } from "./runs-types.ts";

const LOWER_IS_BETTER = new Set<string>(["log_loss", "brier"]);

export interface ChampionScore {
  readonly version: number;
  /** The champion's value of `gates.championMetric` on the candidate's test rows. */
  readonly value: number;
}

export function evaluateGates(
  gates: PipelineConfig["gates"],
  testMetrics: Readonly<Record<string, number>>,
  champion: ChampionScore | null,
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
  champion: ChampionScore | null,
): GateResult {
  const metric = gates.championMetric;
  const name = `champion ${metric} (tolerance ${gates.championTolerance})`;
  if (champion === null) {
    return {
      gate: name,
      passed: true,
      actual: metrics[metric] ?? null,
      expected: null,
      detail: "no production model yet",
    };
  }
  const actual = metrics[metric];
  // Losses improve downwards: "not worse" then means "not higher by more than the tolerance".
  const lower = LOWER_IS_BETTER.has(metric);
  const expected = lower
    ? champion.value + gates.championTolerance
    : champion.value - gates.championTolerance;
  if (actual === undefined || Number.isNaN(actual)) {
    return { gate: name, passed: false, actual: null, expected, detail: `${metric} was not computed` };
  }
  const passed = lower ? actual <= expected + 1e-12 : actual >= expected - 1e-12;
  const comparison = `candidate ${metric} ${round(actual)} vs production v${champion.version} ${round(champion.value)}`;
  return {
    gate: name,
    passed,
    actual,
    expected,
    detail: passed
      ? `${comparison}: not worse beyond tolerance`
      : `${comparison}: worse by more than the tolerance`,
  };
}

export function failedGates(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => !r.passed);
}

function round(value: number): string {
  return value.toFixed(4);
}
