/**
 * The dashboard at /dashboard: a static shell whose small script fetches the server-rendered
 * report body (inline SVG, same renderer as `sift monitor report`) every few seconds.
 */
import { REPORT_STYLE, type ReportView, renderReportBody } from "../monitor/index.ts";

const REFRESH_MS = 5000;

const SHELL_STYLE = `${REPORT_STYLE}
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
const every = Number(new URLSearchParams(location.search).get("refresh")) || ${REFRESH_MS};
setInterval(load, Math.max(every, 200));`;

export function dashboardPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>sift dashboard</title><link rel="icon" href="data:,"><style>${SHELL_STYLE}</style></head><body><div id="status">loading…</div><div id="content"><header><h1>sift dashboard</h1><p>loading…</p></header></div><script type="module">${SCRIPT}</script></body></html>`;
}

export function dashboardContent(view: ReportView): string {
  return renderReportBody({ ...view, title: view.title ?? "sift dashboard" });
}
