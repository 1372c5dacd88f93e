/** Tallies what a cleaning step did: counts per reason and the first few examples of each. */
import type { StepReport } from "./types.ts";

export const EXAMPLES_PER_REASON = 3;

export class StepTally {
  private readonly counts: Record<string, number> = {};
  private readonly examples: Array<{ reason: string; before: string; after: string }> = [];

  count(reason: string, before: string, after: string, times = 1): void {
    const seen = this.counts[reason] ?? 0;
    this.counts[reason] = seen + times;
    if (seen < EXAMPLES_PER_REASON) this.examples.push({ reason, before, after });
  }

  report(step: string, rowsIn: number, rowsOut: number): StepReport {
    return { step, rowsIn, rowsOut, counts: { ...this.counts }, examples: [...this.examples] };
  }
}

export interface StepResult<T> {
  readonly rows: T[];
  readonly report: StepReport;
}
