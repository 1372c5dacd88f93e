/**
 * The run report: one self-contained HTML file (inline CSS and SVG, no script, no network) with
 * the "examine predictions" views a data scientist would otherwise build by hand.
 */
import { barChart, escapeHtml, lineChart, type Point } from "./report-charts.ts";
import { REPORT_CSS } from "./report-style.ts";
import type { GateResult, RunMetrics } from "./runs-types.ts";

export interface ReportExample {
  readonly text: string;
  readonly score: number;
}

export interface ReportData {
  readonly runId: string;
  readonly modelName: string;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly artifact: string | null;
  readonly promoted: boolean;
  readonly codeVersion: string | null;
  readonly dataSource: string;
  readonly dataFingerprint: string;
  readonly threshold: number;
  readonly thresholdRule: string;
  readonly positiveLabel: string;
  readonly metrics: RunMetrics;
  readonly params: Readonly<Record<string, unknown>>;
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
  /** Test split: (false positive rate, true positive rate). */
  readonly roc: readonly Point[];
  /** Test split: (recall, precision). */
  readonly pr: readonly Point[];
  /** Validation split (where the threshold was chosen): precision and recall per threshold. */
  readonly sweep: ReadonlyArray<{
    readonly threshold: number;
    readonly precision: number;
    readonly recall: number;
  }>;
  /** Test split: mean predicted probability against observed positive rate, per bin. */
  readonly calibration: ReadonlyArray<{
    readonly predicted: number;
    readonly observed: number;
    readonly count: number;
  }>;
  /** Test split at the chosen threshold. */
  readonly confusion: { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number };
  readonly features: {
    readonly positive: ReadonlyArray<{ readonly feature: string; readonly weight: number }>;
    readonly negative: ReadonlyArray<{ readonly feature: string; readonly weight: number }>;
  };
  readonly falsePositives: readonly ReportExample[];
  readonly falseNegatives: readonly ReportExample[];
  readonly selection: ReadonlyArray<{
    readonly params: Readonly<Record<string, unknown>>;
    readonly score: number;
  }>;
  readonly selectBy: string;
  /** The data module's cleaning report, rendered generically. */
  readonly cleaning: unknown;
  readonly gates: readonly GateResult[];
  readonly config: unknown;
}

const BLUE = "#2563eb";
const ORANGE = "#ea580c";
const GREY = "#9ca3af";

export function renderReport(data: ReportData): string {
  const body = [
    header(data),
    section("Gates", gatesTable(data.gates)),
    section("Metrics", metricsTable(data.metrics)),
    section("Curves", `<div class="charts">${charts(data)}</div>`),
    section("Confusion matrix (test split)", confusionTable(data)),
    section("Top features", featureCharts(data)),
    section("False positives (test split, highest score first)", examplesTable(data.falsePositives)),
    section("False negatives (test split, lowest score first)", examplesTable(data.falseNegatives)),
    section("Model selection", selectionTable(data)),
    section("Data cleaning", cleaningView(data.cleaning)),
    section(
      "Configuration",
      `<details><summary>Resolved configuration</summary><pre>${escapeHtml(JSON.stringify(data.config, null, 2))}</pre></details>`,
    ),
  ].join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sift run ${escapeHtml(data.runId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${REPORT_CSS}</style></head>
<body><main>
${body}
</main></body></html>
`;
}

function section(title: string, content: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${content}</section>`;
}

function header(d: ReportData): string {
  const status = `<span class="badge ${d.status === "succeeded" ? "ok" : "bad"}">${escapeHtml(d.status)}</span>`;
  const facts: Array<[string, string]> = [
    ["Model", d.artifact ?? `${d.modelName} (not registered)`],
    ["Promoted to production", d.promoted ? "yes" : "no"],
    ["Decision threshold", `${d.threshold.toFixed(4)} (${d.thresholdRule}, chosen on validation)`],
    ["Rows (train / validation / test)", `${d.rows.train} / ${d.rows.validation} / ${d.rows.test}`],
    ["Data", d.dataSource],
    ["Data fingerprint", d.dataFingerprint],
    ["Code version", d.codeVersion ?? "unknown"],
    ["Started / ended", `${d.startedAt} / ${d.endedAt}`],
    ["Chosen parameters", JSON.stringify(d.params)],
  ];
  const rows = facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  return `<header><h1>sift run ${escapeHtml(d.runId)} ${status}</h1><table class="facts">${rows}</table></header>`;
}

function gatesTable(gates: readonly GateResult[]): string {
  if (gates.length === 0) return "<p>No gates configured.</p>";
  const rows = gates
    .map(
      (g) =>
        `<tr class="${g.passed ? "ok" : "bad"}"><td>${g.passed ? "✔ pass" : "✘ fail"}</td><td>${escapeHtml(g.gate)}</td>` +
        `<td class="num">${num(g.actual)}</td><td class="num">${num(g.expected)}</td><td>${escapeHtml(g.detail)}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th></th><th>Gate</th><th>Actual</th><th>Bound</th><th>Detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function metricsTable(metrics: RunMetrics): string {
  const names = [...new Set([...Object.keys(metrics.validation), ...Object.keys(metrics.test)])];
  const rows = names
    .map(
      (n) =>
        `<tr><td>${escapeHtml(n)}</td><td class="num">${num(metrics.validation[n] ?? null)}</td><td class="num">${num(metrics.test[n] ?? null)}</td></tr>`,
    )
    .join("");
  return `<table class="narrow"><thead><tr><th>Metric</th><th>Validation</th><th>Test</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function charts(d: ReportData): string {
  const diagonal = {
    name: "",
    points: [
      { x: 0, y: 0 },
      { x: 1, y: 1 },
    ],
    color: GREY,
    dashed: true,
  };
  const sweep = [...d.sweep].sort((a, b) => a.threshold - b.threshold);
  return [
    lineChart({
      title: `ROC (test, AUC ${num(d.metrics.test.roc_auc ?? null)})`,
      xLabel: "False positive rate",
      yLabel: "True positive rate",
      series: [diagonal, { name: "model", points: d.roc, color: BLUE }],
    }),
    lineChart({
      title: `Precision–recall (test, AP ${num(d.metrics.test.pr_auc ?? null)})`,
      xLabel: "Recall",
      yLabel: "Precision",
      series: [{ name: "model", points: d.pr, color: BLUE }],
    }),
    lineChart({
      title: "Precision and recall vs threshold (validation)",
      xLabel: "Threshold",
      yLabel: "Score",
      series: [
        { name: "precision", points: sweep.map((s) => ({ x: s.threshold, y: s.precision })), color: BLUE },
        { name: "recall", points: sweep.map((s) => ({ x: s.threshold, y: s.recall })), color: ORANGE },
      ],
      markerX: { x: d.threshold, label: `threshold ${d.threshold.toFixed(3)}` },
    }),
    lineChart({
      title: "Calibration (test)",
      xLabel: "Mean predicted probability",
      yLabel: "Observed positive rate",
      series: [
        diagonal,
        {
          name: "model",
          points: d.calibration.filter((c) => c.count > 0).map((c) => ({ x: c.predicted, y: c.observed })),
          color: BLUE,
          dots: true,
        },
      ],
    }),
  ].join("");
}

function confusionTable(d: ReportData): string {
  const { tp, fp, tn, fn } = d.confusion;
  const total = Math.max(1, tp + fp + tn + fn);
  const cell = (n: number, good: boolean) =>
    `<td class="cm ${good ? "good" : "miss"}" style="--share:${(n / total).toFixed(3)}">${n}<small>${((100 * n) / total).toFixed(1)}%</small></td>`;
  const pos = escapeHtml(d.positiveLabel);
  return `<table class="confusion"><thead><tr><th>true \\ predicted</th><th>${pos}</th><th>not ${pos}</th></tr></thead>
<tbody><tr><th>${pos}</th>${cell(tp, true)}${cell(fn, false)}</tr><tr><th>not ${pos}</th>${cell(fp, false)}${cell(tn, true)}</tr></tbody></table>`;
}

function featureCharts(d: ReportData): string {
  if (d.features.positive.length === 0 && d.features.negative.length === 0) {
    return "<p>This model does not expose feature weights.</p>";
  }
  const pos = d.features.positive.map((f) => ({ label: f.feature, value: f.weight }));
  const neg = d.features.negative.map((f) => ({ label: f.feature, value: f.weight }));
  return `<p class="note">Mean contribution to the decision score (log-odds) over the test sentences that contain the feature.</p><div class="charts">${barChart(`Towards ${d.positiveLabel}`, pos, BLUE)}${barChart(`Away from ${d.positiveLabel}`, neg, ORANGE)}</div>`;
}

function examplesTable(examples: readonly ReportExample[]): string {
  if (examples.length === 0) return "<p>None.</p>";
  const rows = examples
    .map((e) => `<tr><td class="num">${e.score.toFixed(4)}</td><td>${escapeHtml(e.text)}</td></tr>`)
    .join("");
  return `<table class="examples"><thead><tr><th>Score</th><th>Sentence</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function selectionTable(d: ReportData): string {
  if (d.selection.length <= 1) return "<p>No search: the configured model was fitted as is.</p>";
  const best = Math.max(...d.selection.map((s) => s.score));
  const rows = [...d.selection]
    .sort((a, b) => b.score - a.score)
    .map(
      (s) =>
        `<tr class="${s.score === best ? "ok" : ""}"><td><code>${escapeHtml(JSON.stringify(s.params))}</code></td><td class="num">${s.score.toFixed(4)}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>Parameters</th><th>CV ${escapeHtml(d.selectBy)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The cleaning report's steps as a table; anything unexpected falls back to its JSON. */
function cleaningView(cleaning: unknown): string {
  const steps = stepsOf(cleaning);
  if (steps === null) return `<pre>${escapeHtml(JSON.stringify(cleaning, null, 2))}</pre>`;
  const rows = steps
    .map((s) => {
      const counts = Object.entries(s.counts ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ");
      return `<tr><td>${escapeHtml(String(s.step))}</td><td class="num">${num(s.rowsIn ?? null)}</td><td class="num">${num(s.rowsOut ?? null)}</td><td>${escapeHtml(counts)}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>Step</th><th>Rows in</th><th>Rows out</th><th>Changes</th></tr></thead><tbody>${rows}</tbody></table>`;
}

interface StepLike {
  readonly step?: unknown;
  readonly rowsIn?: number;
  readonly rowsOut?: number;
  readonly counts?: Record<string, number>;
}

function stepsOf(cleaning: unknown): StepLike[] | null {
  if (typeof cleaning !== "object" || cleaning === null) return null;
  const steps = (cleaning as { steps?: unknown }).steps;
  return Array.isArray(steps) ? (steps as StepLike[]) : null;
}

function num(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
