/**
 * Inline SVG charts for the run report, drawn with d3-scale and d3-shape into strings: the report
 * must open with no network and no script, so nothing is rendered in the browser.
 */
import { scaleLinear } from "d3-scale";
import { line } from "d3-shape";

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  readonly color: string;
  readonly dashed?: boolean;
  /** Draw a dot at each point (calibration bins) rather than only a line. */
  readonly dots?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** A vertical marker, e.g. the chosen threshold. */
  readonly markerX?: { readonly x: number; readonly label: string };
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { top: 46, right: 16, bottom: 44, left: 52 };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : "0";
}

/** A line chart on the unit square (every curve in the report lives in [0, 1] × [0, 1]). */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 360;
  const height = options.height ?? 300;
  const x = scaleLinear()
    .domain([0, 1])
    .range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear()
    .domain([0, 1])
    .range([height - MARGIN.bottom, MARGIN.top]);
  const path = line<Point>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="${width / 2}" y="18" class="title" text-anchor="middle">${escapeHtml(options.title)}</text>`,
    axes(x, y, width, height, options),
  ];
  if (options.markerX) parts.push(marker(x(options.markerX.x), y, options.markerX.label));
  for (const series of options.series) {
    const d = path([...series.points]) ?? "";
    const dash = series.dashed ? ' stroke-dasharray="4 3"' : "";
    parts.push(`<path d="${d}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`);
    if (series.dots) {
      for (const p of series.points) {
        parts.push(`<circle cx="${fmt(x(p.x))}" cy="${fmt(y(p.y))}" r="3.5" fill="${series.color}"/>`);
      }
    }
  }
  parts.push(legend(options.series, width));
  parts.push("</svg>");
  return parts.join("");
}

type Scale = ((value: number) => number) & { ticks(count?: number): number[] };

function axes(x: Scale, y: Scale, width: number, height: number, options: LineChartOptions): string {
  const bottom = height - MARGIN.bottom;
  const out: string[] = [];
  for (const t of x.ticks(5)) {
    out.push(`<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${MARGIN.top}" y2="${bottom}" class="grid"/>`);
    out.push(`<text x="${fmt(x(t))}" y="${bottom + 16}" text-anchor="middle" class="tick">${t}</text>`);
  }
  for (const t of y.ticks(5)) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" class="grid"/>`,
    );
    out.push(`<text x="${MARGIN.left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end" class="tick">${t}</text>`);
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${width - MARGIN.left - MARGIN.right}" height="${bottom - MARGIN.top}" class="frame"/>`,
    `<text x="${(MARGIN.left + width - MARGIN.right) / 2}" y="${height - 8}" text-anchor="middle" class="axis">${escapeHtml(options.xLabel)}</text>`,
    `<text transform="translate(14 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">${escapeHtml(options.yLabel)}</text>`,
  );
  return out.join("");
}

function marker(px: number, y: Scale, label: string): string {
  // Past the middle the label goes on the left of the line, so it stays inside the chart.
  const right = px < 220;
  return (
    `<line x1="${fmt(px)}" x2="${fmt(px)}" y1="${fmt(y(0))}" y2="${fmt(y(1))}" class="marker"/>` +
    `<text x="${fmt(right ? px + 4 : px - 4)}" y="${fmt(y(0) - 6)}" text-anchor="${right ? "start" : "end"}" class="marker-label">${escapeHtml(label)}</text>`
  );
}

/** One row of legend items between the title and the plot, so it never covers a curve. */
function legend(series: readonly Series[], _width: number): string {
  let left = MARGIN.left;
  const out: string[] = [];
  for (const s of series.filter((item) => item.name !== "")) {
    out.push(
      `<rect x="${left}" y="30" width="12" height="3" fill="${s.color}"/>` +
        `<text x="${left + 16}" y="35" class="legend">${escapeHtml(s.name)}</text>`,
    );
    left += 28 + s.name.length * 6.5;
  }
  return out.join("");
}

/** Horizontal bars for feature weights; positive and negative share one scale. */
export function barChart(
  title: string,
  bars: ReadonlyArray<{ readonly label: string; readonly value: number }>,
  color: string,
): string {
  const rowHeight = 18;
  const width = 420;
  const labelWidth = 170;
  const height = 30 + bars.length * rowHeight + 10;
  const max = Math.max(1e-9, ...bars.map((b) => Math.abs(b.value)));
  const x = scaleLinear()
    .domain([0, max])
    .range([0, width - labelWidth - 60]);
  const rows = bars.map((bar, i) => {
    const top = 30 + i * rowHeight;
    const w = x(Math.abs(bar.value));
    return (
      `<text x="${labelWidth - 6}" y="${top + 12}" text-anchor="end" class="tick">${escapeHtml(truncate(bar.label, 26))}</text>` +
      `<rect x="${labelWidth}" y="${top + 2}" width="${fmt(w)}" height="${rowHeight - 5}" fill="${color}"/>` +
      `<text x="${fmt(labelWidth + w + 4)}" y="${top + 12}" class="tick">${bar.value.toFixed(3)}</text>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">`,
    `<text x="${width / 2}" y="18" class="title" text-anchor="middle">${escapeHtml(title)}</text>`,
    ...rows,
    "</svg>",
  ].join("");
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
