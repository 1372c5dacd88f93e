/**
 * The writer's running count of logged predictions per model version, route and predicted label,
 * with their summed latency: what live metrics need from the unlabelled bulk of the log.
 *
 * Live metrics are refreshed every few seconds. Counting the log with a GROUP BY each time cost a
 * scan of every row (1.4 s of the writer thread's CPU at a million rows, and more than the refresh
 * interval at the default 5 M-row cap, when the writer would fall behind and drop predictions).
 * The writer keeps this tally as it inserts and prunes instead, and asks SQLite only for the
 * labelled rows, through the feedback table (small) and the request-id index.
 */
import type { DatabaseSync, SQLOutputValue } from "node:sqlite";
import type { PredictionRoute } from "./types.ts";

export interface TallyEntry {
  readonly model: string;
  readonly version: number;
  readonly route: PredictionRoute;
  readonly label: string;
  n: number;
  latency: number;
}

type Row = Record<string, SQLOutputValue>;

export class LiveTally {
  readonly #entries = new Map<string, TallyEntry>();

  /** Counts `n` predictions (negative to uncount pruned ones) with `latency` ms between them. */
  add(
    model: string,
    version: number,
    route: PredictionRoute,
    label: string,
    n: number,
    latency: number,
  ): void {
    const key = `${model}\u0000${version}\u0000${route}\u0000${label}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      if (n > 0) this.#entries.set(key, { model, version, route, label, n, latency });
      return;
    }
    entry.n += n;
    entry.latency += latency;
    // A version whose rows were all pruned leaves the tally, as it leaves a GROUP BY.
    if (entry.n <= 0) this.#entries.delete(key);
  }

  /** Adds grouped rows (model, version, route, label, n, latency), times `sign`. */
  addRows(rows: readonly Row[], sign: 1 | -1): void {
    for (const row of rows) {
      this.add(
        String(row.model),
        Number(row.version),
        String(row.route) as PredictionRoute,
        String(row.label),
        sign * Number(row.n ?? 0),
        sign * Number(row.latency ?? 0),
      );
    }
  }

  /** Entries ordered as SQLite's GROUP BY lists them (model, version, route, label). */
  entries(): TallyEntry[] {
    return [...this.#entries.values()].sort(
      (a, b) =>
        compare(a.model, b.model) ||
        a.version - b.version ||
        compare(a.route, b.route) ||
        compare(a.label, b.label),
    );
  }

  /** A tally of every logged row: one scan, when the writer first needs live metrics. */
  static scan(db: DatabaseSync): LiveTally {
    const tally = new LiveTally();
    tally.addRows(groupedPredictions(db, "1", []), 1);
    return tally;
  }
}

/** Predictions matching `where` grouped as the tally counts them (for the first scan and prunes). */
export function groupedPredictions(db: DatabaseSync, where: string, args: readonly number[]): Row[] {
  return db
    .prepare(
      `SELECT model, version, route, label, count(*) AS n, sum(latency_ms) AS latency
       FROM predictions WHERE ${where} GROUP BY model, version, route, label`,
    )
    .all(...args);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
