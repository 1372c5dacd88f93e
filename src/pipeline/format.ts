/**
 * Human-readable text for runs and training results (the CLI prints it; --json prints the objects
 * themselves). Plain columns, no colour: the output lands in CI logs as often as in terminals.
 */
import type { RunComparison, RunLogLine, RunRecord, RunSummary } from "./runs-types.ts";
import type { TrainResult } from "./train-run.ts";

function num(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : value.toFixed(4);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatTrainResult(result: TrainResult): string {
  const run = result.run;
  const lines = [
    `run       ${run.id} (${run.status})`,
    `model     ${run.artifact ?? "not registered"}${result.promoted ? " → production" : ""}`,
    `test      ${metricLine(run.metrics?.test)}`,
    ...run.gates.map((g) => `gate      ${g.passed ? "pass" : "FAIL"}  ${g.detail}`),
  ];
  if (result.reportPath) lines.push(`report    ${result.reportPath}`);
  return `${lines.join("\n")}\n`;
}

function metricLine(metrics: Readonly<Record<string, number>> | undefined): string {
  if (!metrics) return "—";
  return ["precision", "recall", "f1", "roc_auc"].map((m) => `${m} ${num(metrics[m])}`).join("  ");
}

export function formatRunList(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return "No runs yet. Train one with `sift train`.\n";
  const rows = [
    ["RUN", "KIND", "STATUS", "MODEL", "PROMOTED", "TEST F1", "STARTED"],
    ...runs.map((r) => [
      r.id,
      r.kind,
      r.status,
      r.artifact ?? r.modelName,
      r.promoted ? "yes" : "no",
      num(r.f1),
      r.startedAt,
    ]),
  ];
  return `${table(rows)}\n`;
}

export function formatRun(run: RunRecord, log: readonly RunLogLine[]): string {
  const facts = [
    ["run", run.id],
    ["kind", run.kind],
    ["status", run.status],
    ["started", run.startedAt],
    ["ended", run.endedAt ?? "—"],
    ["model", run.artifact ?? `${run.modelName} (not registered)`],
    ["promoted", run.promoted ? "yes" : "no"],
    ["data", run.dataSource ?? "—"],
    ["fingerprint", run.dataFingerprint ?? "—"],
    ["code", run.codeVersion ?? "—"],
    ["seed", String(run.seed)],
    ["params", JSON.stringify(run.params)],
    ["report", `${run.dir}/report.html`],
  ];
  if (run.error) facts.push(["error", `${run.error.code}: ${run.error.message}`]);
  const metrics = run.metrics
    ? table([
        ["METRIC", "VALIDATION", "TEST"],
        ...Object.keys(run.metrics.test).map((m) => [
          m,
          num(run.metrics?.validation[m]),
          num(run.metrics?.test[m]),
        ]),
      ])
    : "no metrics (the run stopped before evaluation)";
  const gates =
    run.gates.map((g) => `${g.passed ? "pass" : "FAIL"}  ${g.detail}`).join("\n") || "no gates evaluated";
  const logText = log.map((l) => `${l.at}  ${l.line}`).join("\n");
  return `${table(facts)}\n\n${metrics}\n\n${gates}\n\n${logText}\n`;
}

export function formatComparison(c: RunComparison): string {
  const metricRows = [
    ["METRIC", c.a.id, c.b.id, "DELTA"],
    ...c.metrics.map((m) => [m.metric, num(m.a), num(m.b), m.delta === null ? "—" : signed(m.delta)]),
  ];
  const paramRows =
    c.params.length === 0
      ? "same settings"
      : table([["SETTING", c.a.id, c.b.id], ...c.params.map((p) => [p.key, show(p.a), show(p.b)])]);
  return `${table(metricRows)}\n\n${paramRows}\n`;
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(4)}`;
}

function show(value: unknown): string {
  const text = value === undefined ? "—" : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
