/** `cleanRows`: the configured transforms and row steps, in order, with a report of each. */
import { resolveCleaningConfig } from "./cleaning-config.ts";
import { labelMatcher } from "./labels.ts";
import { cantDecideStep, dedupeStep, emptyTextStep, labelStep, textSteps } from "./row-steps.ts";
import { textTransforms } from "./text-transforms.ts";
import type { CleaningConfig, CleaningReport, CleanRow, RawRow, StepReport } from "./types.ts";

export interface CleaningResult {
  readonly rows: CleanRow[];
  readonly report: CleaningReport;
}

export function cleanRows(rows: readonly RawRow[], partial: Partial<CleaningConfig> = {}): CleaningResult {
  const config = resolveCleaningConfig(partial);
  const transforms = textTransforms(config);
  const texts = textSteps(transforms, rows);
  const cleaned = texts.at(-1)?.rows ?? rows;
  const labelled = labelStep(cleaned, labelMatcher(config.labelMap, config.normaliseLabels));
  const nonEmpty = emptyTextStep(labelled.rows);
  const decided = cantDecideStep(nonEmpty.rows, config.cantDecide);
  const deduped = dedupeStep(decided.rows, config.dedupe, config.conflicts);
  const steps: StepReport[] = [
    ...texts.map((t) => t.report),
    labelled.report,
    nonEmpty.report,
    decided.report,
    deduped.report,
  ];
  const labelCounts: Record<string, number> = {};
  for (const row of deduped.rows) labelCounts[row.label] = (labelCounts[row.label] ?? 0) + 1;
  return {
    rows: deduped.rows,
    report: {
      steps,
      rowsIn: rows.length,
      rowsOut: deduped.rows.length,
      labelCounts,
      undecided: decided.report.counts["cant-decide-excluded"] ?? 0,
    },
  };
}
