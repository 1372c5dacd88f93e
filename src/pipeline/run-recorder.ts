/**
 * Keeps a run's record current in the run store as the pipeline advances, and mirrors every log
 * line to the progress display. Writing after each step means a killed trainer leaves a record
 * that says how far it got.
 */
import type { EventSink } from "./progress.ts";
import type { RunStore } from "./runs.ts";
import type { RunRecord, RunStatus } from "./runs-types.ts";

export class RunRecorder {
  #record: RunRecord;
  readonly #store: RunStore;
  readonly #clock: () => Date;
  readonly #sink: EventSink;

  constructor(store: RunStore, initial: RunRecord, clock: () => Date, sink: EventSink) {
    this.#store = store;
    this.#record = initial;
    this.#clock = clock;
    this.#sink = sink;
    store.create(initial);
  }

  get record(): RunRecord {
    return this.#record;
  }

  log(line: string): void {
    this.#store.appendLog(this.#record.id, line, this.#clock().toISOString());
    this.#sink({ type: "log", line });
  }

  patch(changes: Partial<RunRecord>): void {
    this.#record = { ...this.#record, ...changes };
    this.#store.update(this.#record);
  }

  finish(status: RunStatus, error: RunRecord["error"] = null): RunRecord {
    this.patch({ status, error, endedAt: this.#clock().toISOString() });
    return this.#record;
  }
}
