/** `cleanRows`: the configured transforms and row steps, in order, with a report of each. */
import { resolveCleaningConfig } from "./cleaning-config.ts";
import { type CleaningResult, RowCleaner } from "./row-cleaner.ts";
import type { CleaningConfig, RawRow } from "./types.ts";

export type { CleaningResult };

export function cleanRows(rows: readonly RawRow[], partial: Partial<CleaningConfig> = {}): CleaningResult {
  const cleaner = new RowCleaner(resolveCleaningConfig(partial));
  for (const row of rows) cleaner.add(row);
  return cleaner.finish();
}
