/** `prepareData`: read, validate, clean and fingerprint a source — what the pipeline trains on. */
import { siftErrorWithDetails } from "../errors.ts";
import { cleanRows } from "./clean.ts";
import { resolveCleaningConfig } from "./cleaning-config.ts";
import { fingerprint } from "./fingerprint.ts";
import { readSource } from "./read-source.ts";
import type { CleaningReport, Dataset, PreparedData, PrepareOptions } from "./types.ts";
import { assertValid, validateDataset } from "./validate.ts";

/** "9 rows in; dropped: text-empty 6, cant-decide-excluded 3" — why nothing was left. */
export function dropSummary(report: CleaningReport): string {
  const dropped = report.steps
    .filter((s) => s.rowsOut < s.rowsIn)
    .flatMap((s) => Object.entries(s.counts).map(([reason, n]) => `${reason} ${n}`));
  return `${report.rowsIn} rows in; ${dropped.length > 0 ? `dropped: ${dropped.join(", ")}` : "none dropped"}`;
}

/** Validates and cleans rows already read; throws the catalogued error when nothing usable is left. */
export function prepareDataset(dataset: Dataset, options: PrepareOptions = {}): PreparedData {
  const config = resolveCleaningConfig(options.cleaning);
  const validation = validateDataset(dataset, { ...options, ...config });
  assertValid(validation, dataset.source);
  const { rows, report } = cleanRows(dataset.rows, config);
  if (rows.length === 0) {
    throw siftErrorWithDetails("DATA_NO_USABLE_ROWS", report, dataset.source, dropSummary(report));
  }
  return {
    dataset: { ...dataset, issues: validation.issues },
    validation,
    rows,
    report,
    fingerprint: fingerprint(rows),
  };
}

export async function prepareData(source: string, options: PrepareOptions = {}): Promise<PreparedData> {
  return prepareDataset(await readSource(source, options), options);
}
