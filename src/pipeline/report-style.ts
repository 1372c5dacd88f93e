/** The report's inline stylesheet: readable on screen and in print, no web fonts. */
export const REPORT_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; }
body { margin: 0; background: #f9fafb; }
main { max-width: 1120px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 0 0 10px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
section, header { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 16px; margin-bottom: 16px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #f3f4f6; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts th { width: 240px; color: #4b5563; font-weight: 500; }
table.facts td { word-break: break-all; }
tr.ok td:first-child { color: #15803d; font-weight: 600; }
tr.bad td:first-child { color: #b91c1c; font-weight: 600; }
tr.bad { background: #fef2f2; }
.badge { font-size: 13px; padding: 2px 8px; border-radius: 10px; vertical-align: middle; }
.badge.ok { background: #dcfce7; color: #166534; }
.badge.bad { background: #fee2e2; color: #991b1b; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts svg { background: #fff; }
svg .title { font-size: 13px; font-weight: 600; fill: #111827; }
svg .tick, svg .legend { font-size: 11px; fill: #4b5563; }
svg .axis { font-size: 12px; fill: #374151; }
svg .grid { stroke: #f3f4f6; }
svg .frame { fill: none; stroke: #d1d5db; }
svg .marker { stroke: #111827; stroke-width: 1.5; stroke-dasharray: 3 3; }
svg .marker-label { font-size: 11px; fill: #111827; }
table.confusion, table.narrow { width: auto; }
table.narrow td, table.narrow th { min-width: 110px; }
table.confusion td.cm { width: 140px; height: 56px; text-align: center; font-size: 18px; font-weight: 600; }
table.confusion td.cm small { display: block; font-size: 11px; font-weight: 400; color: #4b5563; }
td.cm.good { background: color-mix(in srgb, #22c55e calc(var(--share) * 140%), #fff); }
td.cm.miss { background: color-mix(in srgb, #f97316 calc(var(--share) * 240%), #fff); }
table.examples td:last-child { word-break: break-word; }
.note { color: #4b5563; font-size: 13px; margin: 0 0 8px; }
pre { font-size: 12px; background: #f3f4f6; padding: 8px; overflow-x: auto; }
`;
