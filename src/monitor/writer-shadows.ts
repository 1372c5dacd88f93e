/**
 * Shadow scoring inside the prediction log's writer thread. The writer already receives every
 * primary prediction with its sentence, so a shadow version scores those sentences here and its
 * rows join the same transaction: no second copy of the sentences to another thread, no answers
 * travelling back through the server's event loop to be queued again. The server thread only
 * names the shadow versions on each primary row.
 *
 * The log comes first. Shadow work is skipped (and counted) while the version loads, while it is
 * benched for being slow, and whenever the writer is behind — so a slow shadow costs some shadow
 * rows, not primary ones. A shadow that throws costs only its own rows.
 */
import { performance } from "node:perf_hooks";
import type {
  PredictionEvent,
  ShadowCounts,
  ShadowScorer,
  ShadowScorerModule,
  WriterShadowConfig,
} from "./types.ts";

interface MutableCounts {
  scored: number;
  failed: number;
  skipped: number;
  benched: number;
  errors: string[];
}

/** Errors kept between two reports; the rest are only counted. */
const MAX_ERRORS = 5;

const emptyCounts = (): MutableCounts => ({ scored: 0, failed: 0, skipped: 0, benched: 0, errors: [] });

export class WriterShadows {
  readonly #config: WriterShadowConfig;
  readonly #slowMsPerSentence: number;
  readonly #slowCallMs: number;
  readonly #benchMs: number;
  readonly #benchedUntil = new Map<string, number>();
  #scorer: ShadowScorer | null = null;
  #loading: Promise<void> | null = null;
  #counts: MutableCounts = emptyCounts();

  constructor(config: WriterShadowConfig) {
    this.#config = config;
    this.#slowMsPerSentence = config.slowMsPerSentence ?? 5;
    this.#slowCallMs = config.slowCallMs ?? 50;
    this.#benchMs = config.benchMs ?? 60_000;
  }

  /**
   * Appends the shadow rows of `events`' primary rows to `events`. `behind`: the writer has
   * batches waiting, so shadows are skipped this time.
   */
  addRows(events: PredictionEvent[], behind: boolean): void {
    const groups = shadowGroups(events);
    if (groups.size === 0) return;
    const scorer = this.#scorer;
    if (scorer === null || behind) {
      if (scorer === null) this.#load();
      for (const primaries of groups.values()) this.#counts.skipped += primaries.length;
      return;
    }
    const now = Date.now();
    for (const [ref, primaries] of groups) this.#score(scorer, ref, primaries, events, now);
  }

  /** Loads the scorer and `name@version` in it; resolves once that version can score. */
  async prepare(name: string, version: number): Promise<void> {
    this.#load();
    await this.#loading;
    const scorer = this.#scorer;
    if (scorer === null) throw new Error("the shadow scorer module could not be loaded");
    await scorer.prepare(name, version);
  }

  /** What happened since the last call. */
  takeCounts(): ShadowCounts | null {
    const counts = this.#counts;
    if (counts.scored + counts.failed + counts.skipped + counts.benched === 0 && counts.errors.length === 0) {
      return null;
    }
    this.#counts = emptyCounts();
    return counts;
  }

  #score(
    scorer: ShadowScorer,
    ref: string,
    primaries: readonly PredictionEvent[],
    events: PredictionEvent[],
    now: number,
  ): void {
    const counts = this.#counts;
    if ((this.#benchedUntil.get(ref) ?? 0) > now) {
      counts.skipped += primaries.length;
      return;
    }
    const at = ref.lastIndexOf("@");
    const name = ref.slice(0, at);
    const version = Number(ref.slice(at + 1));
    const sentences = primaries.map((e) => e.sentence);
    const started = performance.now();
    let answers: ReturnType<ShadowScorer["score"]>;
    try {
      answers = scorer.score(name, version, sentences, now);
    } catch (error) {
      counts.failed += primaries.length;
      if (counts.errors.length < MAX_ERRORS) counts.errors.push(`${ref}: ${String(error)}`);
      return;
    }
    if (answers === null) {
      counts.skipped += primaries.length;
      return;
    }
    const callMs = performance.now() - started;
    const latencyMs = callMs / primaries.length;
    if (latencyMs > this.#slowMsPerSentence && callMs > this.#slowCallMs) {
      counts.benched++;
      this.#benchedUntil.set(ref, now + this.#benchMs);
      if (counts.errors.length < MAX_ERRORS) {
        counts.errors.push(`${ref}: ${latencyMs.toFixed(1)} ms a sentence; benched for ${this.#benchMs} ms`);
      }
    }
    for (let i = 0; i < primaries.length; i++) {
      const primary = primaries[i] as PredictionEvent;
      events.push({
        id: answers.ids[i] ?? "",
        requestId: primary.id,
        time: now,
        model: name,
        version,
        score: answers.scores[i] ?? Number.NaN,
        label: answers.labels[i] ?? "",
        latencyMs,
        route: "shadow",
        variant: "shadow",
        sentence: primary.sentence,
      });
    }
    counts.scored += primaries.length;
  }

  /** Loads the scorer module once; a module that fails to load is retried at the next batch. */
  #load(): void {
    if (this.#loading !== null) return;
    const { scorerUrl, store } = this.#config;
    this.#loading = import(scorerUrl).then(
      (module: ShadowScorerModule) => {
        this.#scorer = module.createShadowScorer(store);
      },
      (error: unknown) => {
        this.#loading = null;
        const counts = this.#counts;
        if (counts.errors.length < MAX_ERRORS) counts.errors.push(`shadow scorer: ${String(error)}`);
      },
    );
  }
}

/** Primary rows by shadow ref, in arrival order. */
function shadowGroups(events: readonly PredictionEvent[]): Map<string, PredictionEvent[]> {
  const groups = new Map<string, PredictionEvent[]>();
  for (const event of events) {
    const refs = event.shadows;
    if (refs === undefined || refs === "") continue;
    for (const ref of refs.split(",")) {
      const group = groups.get(ref);
      if (group === undefined) groups.set(ref, [event]);
      else group.push(event);
    }
  }
  return groups;
}
