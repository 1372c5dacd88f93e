/**
 * The dashboard at /dashboard: a static shell whose small script fetches the server-rendered
 * report body (inline SVG, same renderer as `sift monitor report`) every few seconds.
 */
import { type ReportView, renderReportBody } from "../monitor/index.ts";

const REFRESH_MS = 5000;

const SHELL_STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#cbd5e1}main{padding:16px 24px;max-width:1240px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e8f0;font-variant-numeric:tabular-nums}
th{color:#475569;font-weight:600}.ok{color:#15803d;font-weight:600}.alert{color:#b91c1c;font-weight:700}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#fee2e2;color:#b91c1c;margin-right:4px}
.badge.ok{background:#dcfce7;color:#15803d}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
.chart{width:100%;height:auto;background:#fff}.chart-title{font-weight:600;font-size:13px}
.tick,.legend,.axis-label,.threshold-label{font-size:10px;fill:#475569}.axis{stroke:#94a3b8}.grid{stroke:#f1f5f9}
.threshold{stroke:#dc2626;stroke-dasharray:4 3}.marker{stroke:#94a3b8;stroke-dasharray:2 2}.empty{fill:#94a3b8}
.stats{display:flex;gap:24px;flex-wrap:wrap}.stat b{display:block;font-size:20px}
#status{position:fixed;right:12px;top:12px;color:#cbd5e1;font-size:12px}`;

const SCRIPT = `
const root = document.getElementById("content");
const status = document.getElementById("status");
async function load() {
  try {
    const response = await fetch("/dashboard/content", { cache: "no-store" });
    if (!response.ok) throw new Error("HTTP " + response.status);
    root.innerHTML = await response.text();
    status.textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.loaded = "true";
  } catch (error) {
    status.textContent = "update failed: " + error.message;
  }
}
load();
setInterval(load, ${REFRESH_MS});`;

export function dashboardPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>sift dashboard</title><style>${SHELL_STYLE}</style></head><body><div id="status">loading…</div><div id="content"><header><h1>sift dashboard</h1><p>loading…</p></header></div><script type="module">${SCRIPT}</script></body></html>`;
}

export function dashboardContent(view: ReportView): string {
  return renderReportBody({ ...view, title: view.title ?? "sift dashboard" });
}
