/** Tallies what a cleaning step did: counts per reason and the first few examples of each. */
import type { StepReport } from "./types.ts";

export const EXAMPLES_PER_REASON = 3;

/** A tally as plain data (it crosses threads): its counts and examples, in the order they came. */
export type TallySnapshot = Pick<StepReport, "counts" | "examples">;

export class StepTally {
  private readonly counts: Record<string, number> = {};
  private readonly examples: Array<{ reason: string; before: string; after: string }> = [];

  count(reason: string, before: string, after: string, times = 1): void {
    const seen = this.counts[reason] ?? 0;
    this.counts[reason] = seen + times;
    if (seen < EXAMPLES_PER_REASON) this.examples.push({ reason, before, after });
  }

  snapshot(): TallySnapshot {
    return { counts: this.counts, examples: this.examples };
  }

  /**
   * Adds the tally of the rows that came next (e.g. the next chunk of a source, cleaned in another
   * thread). Its examples are its first few of each reason in their order, so counting them first
   * keeps exactly the examples (and the order of reasons) one tally over all the rows would have.
   */
  absorb(next: TallySnapshot): void {
    const counted: Record<string, number> = {};
    for (const { reason, before, after } of next.examples) {
      this.count(reason, before, after);
      counted[reason] = (counted[reason] ?? 0) + 1;
    }
    for (const [reason, times] of Object.entries(next.counts)) {
      const rest = times - (counted[reason] ?? 0);
      if (rest > 0) this.counts[reason] = (this.counts[reason] ?? 0) + rest;
    }
  }

  report(step: string, rowsIn: number, rowsOut: number): StepReport {
    return { step, rowsIn, rowsOut, counts: { ...this.counts }, examples: [...this.examples] };
  }
}

export interface StepResult<T> {
  readonly rows: T[];
  readonly report: StepReport;
}
