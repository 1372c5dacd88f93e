/**
 * Inline SVG charts for the report and the dashboard (d3-scale for axes, d3-shape for lines).
 * Plain strings: the report is one self-contained file that opens offline.
 */
import { scaleLinear, scaleTime } from "d3-scale";
import { line } from "d3-shape";

export interface ChartSeries {
  readonly name: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly yLabel: string;
  /** A dashed horizontal line, e.g. an alert threshold. */
  readonly threshold?: number;
  /** Fixed y range; default from 0 to the largest value. */
  readonly yDomain?: readonly [number, number];
  /** Vertical markers (event times) with a short label. */
  readonly markers?: ReadonlyArray<{ readonly x: number; readonly label: string }>;
}

const WIDTH = 560;
const HEIGHT = 220;
const MARGIN = { top: 46, right: 30, bottom: 30, left: 48 };
export const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function timeLabel(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function lineChart(options: LineChartOptions): string {
  const xs = options.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = options.series.flatMap((s) => s.points.map((p) => p.y));
  const title = `<text x="${MARGIN.left}" y="16" class="chart-title">${escapeHtml(options.title)}</text>`;
  if (xs.length === 0) {
    return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img">${title}<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" class="empty">no data yet</text></svg>`;
  }
  // Events widen the time axis so every step of the loop shows where it happened.
  const times = [...xs, ...(options.markers ?? []).map((m) => m.x)];
  const xMin = Math.min(...times);
  const xMax = Math.max(...times);
  // One bucket alone sits in the middle of a minute-wide axis rather than on its left edge.
  const x = scaleTime()
    .domain(xMax === xMin ? [xMin - 30_000, xMax + 30_000] : [xMin, xMax])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const yMax = Math.max(...ys, options.threshold ?? 0) * 1.1 || 1;
  const y = scaleLinear()
    .domain(options.yDomain ? [...options.yDomain] : [0, yMax])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = line<{ x: number; y: number }>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const parts: string[] = [title, axes(x.ticks(5).map(Number), y.ticks(4), x, y, options.yLabel)];
  if (options.threshold !== undefined) {
    const ty = y(options.threshold).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ty}" y2="${ty}" class="threshold"/>`,
      `<text x="${WIDTH - MARGIN.right}" y="${Number(ty) - 3}" text-anchor="end" class="threshold-label">alert ${options.threshold}</text>`,
    );
  }
  for (const marker of options.markers ?? []) {
    const mx = x(marker.x).toFixed(1);
    parts.push(
      `<line x1="${mx}" x2="${mx}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" class="marker"><title>${escapeHtml(marker.label)}</title></line>`,
    );
  }
  options.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length] ?? "#000";
    const points = [...s.points].sort((a, b) => a.x - b.x);
    parts.push(`<path d="${path(points) ?? ""}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of points) {
      parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    }
  });
  parts.push(legend(options.series.map((s) => s.name)));
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(options.title)}">${parts.join("")}</svg>`;
}

function axes(
  xTicks: readonly number[],
  yTicks: readonly number[],
  x: (v: number) => number,
  y: (v: number) => number,
  yLabel: string,
): string {
  const bottom = HEIGHT - MARGIN.bottom;
  const out = [
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}" class="axis"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" class="axis"/>`,
    `<text transform="translate(12 ${(MARGIN.top + bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${escapeHtml(yLabel)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(
      `<text x="${x(t).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" class="tick">${timeLabel(t)}</text>`,
    );
  }
  for (const t of yTicks) {
    const ty = y(t).toFixed(1);
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ty}" y2="${ty}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${Number(ty) + 4}" text-anchor="end" class="tick">${Number(t.toPrecision(3))}</text>`,
    );
  }
  return out.join("");
}

function legend(names: readonly string[]): string {
  return names
    .map((name, i) => {
      const lx = MARGIN.left + (i % 4) * 125;
      const ly = 30 + Math.floor(i / 4) * 12;
      const color = PALETTE[i % PALETTE.length] ?? "#000";
      return `<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${ly + 1}" class="legend">${escapeHtml(name)}</text>`;
    })
    .join("");
}
