/**
 * `RowCleaner`: every cleaning step fused into one pass that takes rows one at a time, as a reader
 * produces them. Each row goes through the text transforms, its label, the empty-text check and the
 * "Can't Decide" policy at once, and only the survivors are kept (in the duplicate groups) — no
 * array of intermediate rows per step. The report is the one the separate steps give.
 * With `offload`, the text transforms run in a worker thread (see text-offload.ts): the
 * rows wait in arrival order for their cleaned text, so the result is the same.
 */
import { Deduper } from "./deduper.ts";
import { seededHash } from "./group-allocation.ts";
import { type LabelMatcher, labelMatcher } from "./labels.ts";
import { normalisedKey } from "./normalised-key.ts";
import { canonicalLabel, canonicalLabelOf, decidedLabel, hasUsableText } from "./row-steps.ts";
import type { TallySnapshot } from "./step-report.ts";
import { StepTally } from "./step-report.ts";
import { TextOffload } from "./text-offload.ts";
import { TextPass, textTransforms } from "./text-transforms.ts";
import type { CleaningConfig, CleaningReport, CleanRow, Label, RawRow } from "./types.ts";

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
  private readonly offload: TextOffload | null;
  /** Rows whose text is in the worker: their numbers and labels, in arrival order from `head`. */
  private pendingRows: number[] = [];
  private pendingLabels: (Label | null)[] = [];
  private head = 0;
  private rowsIn = 0;
  private labelled = 0;
  private usable = 0;
  private decided = 0;

  /** `config` is a resolved config (see resolveCleaningConfig). */
  /** `offloadThreshold`: rows before the worker starts (tests lower it). */
  constructor(config: CleaningConfig, options: { offload?: boolean; offloadThreshold?: number } = {}) {
    this.config = config;
    this.offload =
      options.offload === true
        ? new TextOffload(config, (text) => this.cleaned(text), { threshold: options.offloadThreshold })
        : null;
    this.text = new TextPass(textTransforms(config));
    this.match = labelMatcher(config.labelMap, config.normaliseLabels);
    this.deduper = new Deduper(config.dedupe);
  }

  add(row: RawRow): void {
    this.rowsIn++;
    const label = canonicalLabel(row, this.match, this.labels);
    if (this.offload === null) {
      this.afterText(row.row, row.text === null ? null : this.text.apply(row.text), label);
      return;
    }
    this.pendingRows.push(row.row);
    this.pendingLabels.push(label);
    this.offload.push(row.text);
  }

  /** The text pass's tallies over rows cleaned elsewhere (a chunk's), which come next. */
  absorbTextTallies(tallies: readonly TallySnapshot[]): void {
    this.text.absorb(tallies);
  }

  /**
   * A row whose text was already cleaned (and its key found) elsewhere, e.g. in a chunk read by
   * another thread; its text tallies come through `absorbTextTallies`. Not with `offload`.
   */
  addCleaned(row: number, rawLabel: string | null, text: string | null, key: string, hash: number): void {
    this.rowsIn++;
    const label = canonicalLabelOf(row, rawLabel, this.match, this.labels);
    this.afterText(row, text, label, key, hash);
  }

  /** The next waiting row's cleaned text, back from the worker. */
  private cleaned(text: string | null): void {
    const row = this.pendingRows[this.head] as number;
    const label = this.pendingLabels[this.head] ?? null;
    this.head++;
    if (this.head >= 1 << 16) {
      this.pendingRows = this.pendingRows.slice(this.head);
      this.pendingLabels = this.pendingLabels.slice(this.head);
      this.head = 0;
    }
    this.afterText(row, text, label);
  }

  /** The steps after the text transforms; `key` and `hash` when already known. */
  private afterText(
    row: number,
    text: string | null,
    label: Label | null,
    key?: string,
    hash?: number,
  ): void {
    if (label === null) return;
    this.labelled++;
    if (!hasUsableText(row, text, this.empty)) return;
    this.usable++;
    const decided = decidedLabel(text, label, this.config.cantDecide, this.undecided);
    if (decided === null) return;
    this.decided++;
    if (key === undefined || hash === undefined) {
      const found = normalisedKey(text);
      this.deduper.add(row, text, decided, found, seededHash(found, 0));
    } else this.deduper.add(row, text, decided, key, hash);
  }

  /** After `finish`: the clean rows in the fingerprint's canonical order, when cleaning already knows it. */
  canonicalOrder(): Uint32Array | null {
    return this.deduper.canonicalOrder();
  }

  /** The clean rows and the report; call once, after the last row. */
  finish(): CleaningResult {
    const textReports = this.offload?.finish(this.rowsIn) ?? this.text.reports(this.rowsIn);
    const duplicates = new StepTally();
    const rows = this.deduper.finish(this.config.conflicts, duplicates);
    const labelCounts: Record<string, number> = {};
    for (const row of rows) labelCounts[row.label] = (labelCounts[row.label] ?? 0) + 1;
    const undecided = this.undecided.report("cant-decide", this.usable, this.decided);
    return {
      rows,
      report: {
        steps: [
          ...textReports,
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
