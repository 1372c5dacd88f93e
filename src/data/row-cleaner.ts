/**
 * `RowCleaner`: every cleaning step fused into one pass that takes rows one at a time, as a reader
 * produces them. Each row goes through the text transforms, its label, the empty-text check and the
 * "Can't Decide" policy at once, and only the survivors are kept (in the duplicate groups) — no
 * array of intermediate rows per step. The report is the one the separate steps give.
 */
import { Deduper } from "./deduper.ts";
import { type LabelMatcher, labelMatcher } from "./labels.ts";
import { normalisedKey } from "./normalised-key.ts";
import { canonicalLabel, decidedLabel, hasUsableText } from "./row-steps.ts";
import { StepTally } from "./step-report.ts";
import { TextPass, textTransforms } from "./text-transforms.ts";
import type { CleaningConfig, CleaningReport, CleanRow, RawRow } from "./types.ts";

export interface CleaningResult {
  readonly rows: CleanRow[];
  readonly report: CleaningReport;
}

export class RowCleaner {
  private readonly config: CleaningConfig;
  private readonly text: TextPass;
  private readonly match: LabelMatcher;
  private readonly deduper: Deduper;
  private readonly labels = new StepTally();
  private readonly empty = new StepTally();
  private readonly undecided = new StepTally();
  private rowsIn = 0;
  private labelled = 0;
  private usable = 0;
  private decided = 0;

  /** `config` is a resolved config (see resolveCleaningConfig). */
  constructor(config: CleaningConfig) {
    this.config = config;
    this.text = new TextPass(textTransforms(config));
    this.match = labelMatcher(config.labelMap, config.normaliseLabels);
    this.deduper = new Deduper(config.dedupe);
  }

  add(row: RawRow): void {
    this.rowsIn++;
    const text = row.text === null ? null : this.text.apply(row.text);
    const label = canonicalLabel(row, this.match, this.labels);
    if (label === null) return;
    this.labelled++;
    if (!hasUsableText(row.row, text, this.empty)) return;
    this.usable++;
    const decided = decidedLabel(text, label, this.config.cantDecide, this.undecided);
    if (decided === null) return;
    this.decided++;
    this.deduper.add(row.row, text, decided, normalisedKey(text));
  }

  /** After `finish`: the clean rows in the fingerprint's canonical order, when cleaning already knows it. */
  canonicalOrder(): Uint32Array | null {
    return this.deduper.canonicalOrder();
  }

  /** The clean rows and the report; call once, after the last row. */
  finish(): CleaningResult {
    const duplicates = new StepTally();
    const rows = this.deduper.finish(this.config.conflicts, duplicates);
    const labelCounts: Record<string, number> = {};
    for (const row of rows) labelCounts[row.label] = (labelCounts[row.label] ?? 0) + 1;
    const undecided = this.undecided.report("cant-decide", this.usable, this.decided);
    return {
      rows,
      report: {
        steps: [
          ...this.text.reports(this.rowsIn),
          this.labels.report("labels", this.rowsIn, this.labelled),
          this.empty.report("empty-text", this.labelled, this.usable),
          undecided,
          duplicates.report("duplicates", this.decided, rows.length),
        ],
        rowsIn: this.rowsIn,
        rowsOut: rows.length,
        labelCounts,
        undecided: undecided.counts["cant-decide-excluded"] ?? 0,
      },
    };
  }
}
