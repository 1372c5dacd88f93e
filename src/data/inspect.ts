/** What `sift data inspect` shows: a summary of a prepared source, as data (the CLI formats it). */
import type { CleaningReport, LengthStats, PreparedData, SourceFormat } from "./types.ts";

export type { LengthStats };

export interface InspectSummary {
  readonly source: string;
  readonly format: SourceFormat;
  readonly columns: readonly string[];
  readonly rows: { readonly raw: number; readonly clean: number; readonly undecided: number };
  readonly labels: {
    readonly raw: Readonly<Record<string, number>>;
    readonly clean: Readonly<Record<string, number>>;
  };
  /** Characters per text, before and after cleaning. */
  readonly textLength: { readonly raw: LengthStats; readonly clean: LengthStats };
  readonly issueCounts: Readonly<Record<string, number>>;
  readonly cleaning: CleaningReport;
  readonly fingerprint: string;
}

export function lengthStats(lengths: ArrayLike<number>): LengthStats {
  // Lengths are whole numbers below 2^32: a Uint32Array sorts the same values faster than a Float64Array.
  return sortedLengthStats(Uint32Array.from(lengths));
}

/** `lengthStats` of lengths the caller no longer needs in their order: sorted in place, no copy. */
export function sortedLengthStats(lengths: Uint32Array): LengthStats {
  if (lengths.length === 0) return { min: 0, p50: 0, mean: 0, p95: 0, max: 0 };
  const sorted = lengths.sort();
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { min: at(0), p50: at(0.5), mean: Math.round(mean * 10) / 10, p95: at(0.95), max: at(1) };
}

export function inspectSummary(prepared: PreparedData): InspectSummary {
  const { dataset, validation, rows, report } = prepared;
  // Counts and lengths come from the reports, so a source prepared without its raw rows works too.
  return {
    source: dataset.source,
    format: dataset.format,
    columns: dataset.columns,
    rows: { raw: validation.rows, clean: rows.length, undecided: report.undecided },
    labels: { raw: validation.labelCounts, clean: report.labelCounts },
    textLength: {
      raw: prepared.rawTextLength,
      clean: lengthStats(rows.map((r) => r.text.length)),
    },
    issueCounts: validation.issueCounts,
    cleaning: report,
    fingerprint: prepared.fingerprint,
  };
}
