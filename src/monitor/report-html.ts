/**
 * The monitoring report: one self-contained HTML document (inline CSS and SVG, no script, no
 * network) with the loop's state and its plots over time. The dashboard serves the same body.
 */
import { DEFAULT_THRESHOLDS } from "./drift.ts";
import { type ChartSeries, escapeHtml, lineChart } from "./report-charts.ts";
import type { DriftReport, DriftThresholds, LiveMetrics, MonitorSummary, TrendPoint } from "./types.ts";

export interface ReportView extends MonitorSummary {
  readonly title?: string;
  readonly served?: ReadonlyArray<{
    readonly name: string;
    readonly version: number;
    readonly reference: string;
  }>;
  readonly policies?: Readonly<
    Record<
      string,
      {
        readonly split: ReadonlyArray<{ version: number; weight: number }>;
        readonly shadow: readonly number[];
      }
    >
  >;
  readonly thresholds?: DriftThresholds;
}

/** The report's CSS; the dashboard page uses the same. */
export const REPORT_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#cbd5e1}main{padding:16px 24px;max-width:1240px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e8f0;font-variant-numeric:tabular-nums}
th{color:#475569;font-weight:600}.ok{color:#15803d;font-weight:600}.alert{color:#b91c1c;font-weight:700}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#fee2e2;color:#b91c1c;margin-right:4px}
.badge.ok{background:#dcfce7;color:#15803d}.badge.wait{background:#f1f5f9;color:#475569}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
.chart{width:100%;height:auto;background:#fff}.chart-title{font-weight:600;font-size:13px}
.tick,.legend,.axis-label,.threshold-label{font-size:10px;fill:#475569}.axis{stroke:#94a3b8}.grid{stroke:#f1f5f9}
.threshold{stroke:#dc2626;stroke-dasharray:4 3}.marker{stroke:#94a3b8;stroke-dasharray:2 2}.empty{fill:#94a3b8}
.stats{display:flex;gap:24px;flex-wrap:wrap}.stat b{display:block;font-size:20px}`;

const fmt = (value: number | null, digits = 3): string => (value === null ? "–" : value.toFixed(digits));
const time = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const seriesName = (p: { model: string; version: number; route: string }): string =>
  `${p.model}@${p.version}${p.route === "shadow" ? " (shadow)" : ""}`;

export function renderReport(view: ReportView): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(view.title ?? "sift monitoring report")}</title><style>${REPORT_STYLE}</style></head><body>${renderReportBody(view)}</body></html>`;
}

export function renderReportBody(view: ReportView): string {
  return [
    header(view),
    `<main>`,
    overview(view),
    driftSection(view.drift, view.thresholds ?? DEFAULT_THRESHOLDS),
    policySection(view),
    comparison(view.live),
    charts(view),
    timeline(view),
    `</main>`,
  ].join("\n");
}

function header(view: ReportView): string {
  const served = (view.served ?? []).map((m) => `${m.reference} → version ${m.version}`).join(", ");
  return `<header><h1>${escapeHtml(view.title ?? "sift monitoring report")}</h1><p>Generated ${time(view.generatedAt)} UTC${served ? ` · serving ${escapeHtml(served)}` : ""}</p></header>`;
}

function overview(view: ReportView): string {
  const alerts = view.drift.filter((d) => d.alerts.length > 0).length;
  const stat = (label: string, value: string, cls = "") =>
    `<div class="stat ${cls}"><b>${value}</b>${label}</div>`;
  return `<section id="overview"><h2>Overview</h2><div class="stats">${[
    stat("predictions logged", String(view.log.rows)),
    stat("feedback", String(view.log.feedback)),
    stat("queued", String(view.log.queued)),
    stat("dropped (queue full)", String(view.log.dropped)),
    stat("drift alerts", String(alerts), alerts > 0 ? "alert" : "ok"),
  ].join("")}</div></section>`;
}

function driftSection(drift: readonly DriftReport[], t: DriftThresholds): string {
  const rows = drift.map((d) => {
    const status = driftState(d, t);
    return `<tr><td>${escapeHtml(d.model)}@${d.version}</td><td>${d.samples}</td><td>${fmt(d.scorePsi)}</td><td>${fmt(d.lengthPsi)}</td><td>${fmt(d.oovRate)} (train ${fmt(d.oovBaseline)})</td><td>${fmt(d.labelShift)}</td><td class="drift-status">${status}</td></tr>`;
  });
  const limits = `score PSI > ${t.scorePsi}, length PSI > ${t.lengthPsi}, OOV rise > ${t.oovRise}, label shift > ${t.labelShift}, at least ${t.minSamples} predictions`;
  return `<section id="drift"><h2>Drift against the training reference</h2><table><thead><tr><th>version</th><th>window</th><th>score PSI</th><th>length PSI</th><th>OOV rate</th><th>label shift</th><th>state</th></tr></thead><tbody>${rows.join("") || `<tr><td colspan="7">no version with a reference has traffic yet</td></tr>`}</tbody></table><p>Alert when ${escapeHtml(limits)}.</p></section>`;
}

function driftState(d: DriftReport, t: DriftThresholds): string {
  if (d.samples < t.minSamples)
    return `<span class="badge wait">${d.samples} of ${t.minSamples} needed</span>`;
  if (d.alerts.length === 0) return `<span class="badge ok">ok</span>`;
  return d.alerts.map((a) => `<span class="badge">${escapeHtml(a)}</span>`).join("");
}

function policySection(view: ReportView): string {
  const entries = Object.entries(view.policies ?? {});
  const rows = entries.map(([name, policy]) => {
    const split =
      policy.split.map((s) => `v${s.version}: ${(s.weight * 100).toFixed(0)}%`).join(", ") ||
      "all to the alias";
    const shadow = policy.shadow.map((v) => `v${v}`).join(", ") || "none";
    return `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(split)}</td><td>${escapeHtml(shadow)}</td></tr>`;
  });
  if (rows.length === 0) return "";
  return `<section id="traffic"><h2>Traffic policy</h2><table><thead><tr><th>model</th><th>split</th><th>shadow</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}

function comparison(live: readonly LiveMetrics[]): string {
  const sorted = [...live].sort((a, b) => a.model.localeCompare(b.model) || a.version - b.version);
  const bestF1 = Math.max(...sorted.filter((m) => m.labelled > 0).map((m) => m.f1), 0);
  const rows = sorted.map((m) => {
    const best = m.labelled > 0 && m.f1 === bestF1 ? " ★" : "";
    // Without feedback there is no live quality to show: a dash, not a misleading 0.000.
    const quality = (value: number): string => (m.labelled > 0 ? fmt(value) : "—");
    return `<tr><td>${escapeHtml(seriesName(m))}</td><td>${m.predictions}</td><td>${m.labelled}</td><td>${quality(m.precision)}</td><td>${quality(m.recall)}</td><td>${quality(m.f1)}${best}</td><td>${quality(m.accuracy)}</td><td>${fmt(m.meanLatencyMs, 2)}</td></tr>`;
  });
  return `<section id="versions"><h2>Live metrics per version (A/B and shadow comparison)</h2><table><thead><tr><th>version</th><th>predictions</th><th>with feedback</th><th>precision</th><th>recall</th><th>F1</th><th>accuracy</th><th>mean latency ms</th></tr></thead><tbody>${rows.join("") || `<tr><td colspan="8">no predictions logged yet</td></tr>`}</tbody></table></section>`;
}

function seriesOf(trend: readonly TrendPoint[], value: (p: TrendPoint) => number | null): ChartSeries[] {
  const groups = new Map<string, Array<{ x: number; y: number }>>();
  for (const p of trend) {
    const y = value(p);
    if (y === null) continue;
    const name = seriesName(p);
    const points = groups.get(name) ?? [];
    points.push({ x: p.start, y });
    groups.set(name, points);
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([name, points]) => ({ name, points }));
}

function charts(view: ReportView): string {
  const t = view.thresholds ?? DEFAULT_THRESHOLDS;
  const markers = view.events.map((e) => ({ x: e.time, label: `${e.kind}: ${e.detail}` }));
  const primary = view.trend.filter((p) => p.route === "primary");
  return `<section id="charts"><h2>Over time</h2><div class="charts">${[
    lineChart({
      title: "Volume (predictions per bucket)",
      yLabel: "predictions",
      series: seriesOf(view.trend, (p) => p.predictions),
      markers,
    }),
    lineChart({
      title: "Score PSI vs training",
      yLabel: "PSI",
      series: seriesOf(primary, (p) => p.scorePsi),
      threshold: t.scorePsi,
      markers,
    }),
    lineChart({
      title: "Out-of-vocabulary token rate",
      yLabel: "OOV share",
      series: seriesOf(primary, (p) => p.oovRate),
      yDomain: [0, 1],
      markers,
    }),
    lineChart({
      title: "Label mix (share predicted positive)",
      yLabel: "positive share",
      series: seriesOf(view.trend, (p) => p.positiveShare),
      yDomain: [0, 1],
      markers,
    }),
    lineChart({
      title: "Live precision per version",
      yLabel: "precision",
      series: seriesOf(view.trend, (p) => p.precision),
      yDomain: [0, 1],
      markers,
    }),
    lineChart({
      title: "Live recall per version",
      yLabel: "recall",
      series: seriesOf(view.trend, (p) => p.recall),
      yDomain: [0, 1],
      markers,
    }),
  ].join("")}</div></section>`;
}

function timeline(view: ReportView): string {
  const rows = view.events.map(
    (e) =>
      `<tr class="event event-${escapeHtml(e.kind)}"><td>${time(e.time)}</td><td>${escapeHtml(e.kind)}</td><td>${e.model === null ? "" : `${escapeHtml(e.model)}${e.version === null ? "" : `@${e.version}`}`}</td><td>${escapeHtml(e.detail)}</td></tr>`,
  );
  return `<section id="timeline"><h2>Timeline</h2><table><thead><tr><th>time (UTC)</th><th>step</th><th>model</th><th>detail</th></tr></thead><tbody>${rows.join("") || `<tr><td colspan="4">no events yet</td></tr>`}</tbody></table></section>`;
}
