/**
 * The prediction log and feedback on SQLite (node:sqlite, WAL). Synchronous: in a server it runs
 * inside the log writer's worker thread, so the request path never touches the disk; the CLI
 * (export, report, learn) opens it directly.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite";
import { siftError } from "../errors.ts";
import { groupedPredictions, LiveTally } from "./live-tally.ts";
import { applySchema, sentenceKey } from "./log-schema.ts";
import { countOov, sentenceHash, tokenize } from "./tokens.ts";
import type {
  FeedbackInput,
  FeedbackResult,
  FeedbackRow,
  LiveMetrics,
  LoopEvent,
  PredictionEvent,
  PredictionRoute,
  PredictionRow,
  TimeBucket,
} from "./types.ts";

export interface LogStoreOptions {
  readonly keepSentences?: boolean;
  readonly maxAgeDays?: number;
  readonly maxRows?: number;
  /** The label counted as positive in live precision/recall when a model has not said. */
  readonly positiveLabel?: string;
  readonly readOnly?: boolean;
}

type Row = Record<string, SQLOutputValue>;

/**
 * Rows per multi-row INSERT: one statement call per 16 rows instead of one per row costs the
 * writer ~2 µs less a row (10.0 vs 12.5 µs of SQLite work in a microbenchmark of this schema).
 */
const ROWS_PER_STATEMENT = 16;

const COLUMNS = `(id, request_id, time, model, version, score, label, latency_ms, route, variant,
  sentence_hash, sentence, tokens, oov_tokens, sentence_key)`;
const ROW_PARAMS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/**
 * The sentence index is filled from the log in sorted batches, so each of its pages is written
 * once for many keys rather than once for nearly every row: when this many primary rows wait,
 * or the oldest has waited this long, and always before feedback by sentence, a prune or close.
 * In a microbenchmark of this schema (2,000-row transactions): 7.6 vs 10.6–11.2 µs a row.
 */
const SENTENCE_BATCH_ROWS = 20_000;
const SENTENCE_BATCH_MS = 5000;
/** Entries of pruned rows are cleared at most this often (a scan of the sentence index). */
const SENTENCE_CLEANUP_MS = 3_600_000;

/** The latest primary prediction of a sentence (feedback by sentence). */
export const LATEST_BY_SENTENCE = `SELECT p.request_id FROM sentence_index s
  JOIN predictions p ON p.rowid = s.prediction_rowid
  WHERE s.sentence_key = ? AND p.sentence_hash = ? AND p.route = 'primary'
  ORDER BY s.prediction_rowid DESC LIMIT 1`;

/**
 * Primary sentences remembered for their shadow rows, past which the memory starts afresh at the
 * next batch. Shadow rows scored in the writer come in their primaries' batch; those logged from
 * the event loop (tests, embedding) come a batch or so later, and are analysed again if missed.
 */
const RECENT_SENTENCES = 1024;

const num = (row: Row, key: string): number => Number(row[key] ?? 0);
const str = (row: Row, key: string): string => String(row[key] ?? "");
const strOrNull = (row: Row, key: string): string | null => (row[key] == null ? null : String(row[key]));

export class LogStore {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #keepSentences: boolean;
  readonly #maxAgeDays: number;
  readonly #maxRows: number;
  readonly #positive: Map<string, string> = new Map();
  readonly #defaultPositive: string;
  readonly #vocabularies: Map<string, ReadonlySet<string>> = new Map();
  readonly #insert: StatementSync | null;
  /** ROWS_PER_STATEMENT rows in one INSERT (null when read-only). */
  readonly #insertMany: StatementSync | null;
  /** The ids of rows inserted last, by rowid range (the rare batch where some were ignored). */
  readonly #insertedIds: StatementSync | null;
  /**
   * Hash and tokens of recently logged primary sentences. A shadow row repeats its primary row's
   * sentence, so it takes them from here instead of hashing and tokenising again.
   */
  #recentSentences = new Map<string, { hash: string; tokens: string[] }>();
  /** Primary rows written since the sentence index was last filled, and when that was. */
  #unindexed = 0;
  #indexedAt = 0;
  #cleanedAt = 0;
  /** Logged predictions per version and label, kept by insert and prune (see live-tally.ts). */
  #tally: LiveTally | null = null;
  /** SQLite's data_version when the tally was taken: another connection's commit invalidates it. */
  #dataVersion = Number.NaN;

  constructor(path: string, options: LogStoreOptions = {}) {
    this.path = path;
    if (!options.readOnly) mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path, options.readOnly ? { readOnly: true } : {});
    if (options.readOnly) this.#db.exec("PRAGMA busy_timeout=5000");
    else applySchema(this.#db);
    this.#keepSentences = options.keepSentences ?? false;
    this.#maxAgeDays = options.maxAgeDays ?? 30;
    this.#maxRows = options.maxRows ?? 5_000_000;
    this.#defaultPositive = options.positiveLabel ?? "Relevant";
    const prepare = (sql: string) => (options.readOnly ? null : this.#db.prepare(sql));
    this.#insert = prepare(`INSERT OR IGNORE INTO predictions ${COLUMNS} VALUES ${ROW_PARAMS}`);
    this.#insertMany = prepare(
      `INSERT OR IGNORE INTO predictions ${COLUMNS} VALUES ${Array(ROWS_PER_STATEMENT).fill(ROW_PARAMS).join(", ")}`,
    );
    this.#insertedIds = prepare("SELECT id FROM predictions WHERE rowid > ? AND rowid <= ?");
    // Rows a killed writer logged but had not indexed yet.
    if (!options.readOnly) this.indexSentences();
  }

  /** The training vocabulary of a model version; its predictions' OOV tokens count against it. */
  setVocabulary(model: string, version: number, tokens: readonly string[]): void {
    this.#vocabularies.set(`${model}@${version}`, new Set(tokens));
  }

  setPositiveLabel(model: string, label: string): void {
    this.#positive.set(model, label);
  }

  /** Writes a batch in one transaction: after a crash the batch is there whole or not at all. */
  insert(events: readonly PredictionEvent[]): number {
    const insert = this.#insert;
    const insertMany = this.#insertMany;
    if (insert === null || insertMany === null) {
      throw siftError("INTERNAL", "the prediction log was opened read-only");
    }
    const tally = this.#tally;
    // Counted only once the batch has committed; an id logged twice (INSERT OR IGNORE) counts once.
    const counted: PredictionEvent[] = [];
    const whole = events.length - (events.length % ROWS_PER_STATEMENT);
    // Bounded between batches, never within one: a batch's shadow rows find all its primaries.
    if (this.#recentSentences.size > RECENT_SENTENCES) this.#recentSentences = new Map();
    const params: Array<string | number | null> = [];
    this.#db.exec("BEGIN");
    try {
      for (let at = 0; at < whole; at += ROWS_PER_STATEMENT) {
        params.length = 0;
        for (let i = at; i < at + ROWS_PER_STATEMENT; i++)
          this.#addValues(events[i] as PredictionEvent, params);
        const { changes, lastInsertRowid } = insertMany.run(...params);
        if (tally !== null)
          this.#countInserted(events, at, Number(changes), Number(lastInsertRowid), counted);
      }
      for (let i = whole; i < events.length; i++) {
        const event = events[i] as PredictionEvent;
        params.length = 0;
        this.#addValues(event, params);
        const { changes } = insert.run(...params);
        if (tally !== null && Number(changes) > 0) counted.push(event);
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
    for (const e of counted) tally?.add(e.model, e.version, e.route, e.label, 1, e.latencyMs);
    this.#indexSentencesWhenDue();
    return events.length;
  }

  #indexSentencesWhenDue(): void {
    if (this.#unindexed === 0) return;
    const due = this.#unindexed >= SENTENCE_BATCH_ROWS || Date.now() - this.#indexedAt >= SENTENCE_BATCH_MS;
    if (due) this.indexSentences();
  }

  /** Adds the primary rows logged since the last call to the sentence index, sorted by key. */
  indexSentences(): void {
    if (this.#insert === null) return;
    this.#unindexed = 0;
    this.#indexedAt = Date.now();
    const mark = this.#db.prepare("SELECT value FROM log_state WHERE name = 'sentence_indexed_rowid'").get();
    const last = this.#db.prepare("SELECT coalesce(max(rowid), 0) AS last FROM predictions").get();
    const to = last === undefined ? 0 : num(last, "last");
    // A log emptied by a prune numbers rows from 1 again: index from the start.
    let from = mark === undefined ? 0 : num(mark, "value");
    if (from > to) from = 0;
    if (from === to) return;
    this.#db.exec("BEGIN");
    try {
      this.#db
        .prepare(
          `INSERT OR IGNORE INTO sentence_index (sentence_key, prediction_rowid)
           SELECT sentence_key, rowid FROM predictions
           WHERE rowid > ? AND rowid <= ? AND sentence_key IS NOT NULL ORDER BY sentence_key`,
        )
        .run(from, to);
      this.#db
        .prepare("INSERT OR REPLACE INTO log_state (name, value) VALUES ('sentence_indexed_rowid', ?)")
        .run(to);
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /**
   * The events of one multi-row INSERT that were written. Almost always all of them; when some
   * ids were already logged, the written ones are the statement's new rowids, which SQLite
   * numbers consecutively up to `lastRowid`.
   */
  #countInserted(
    events: readonly PredictionEvent[],
    at: number,
    changes: number,
    lastRowid: number,
    counted: PredictionEvent[],
  ): void {
    const chunk = events.slice(at, at + ROWS_PER_STATEMENT);
    if (changes === chunk.length) {
      counted.push(...chunk);
      return;
    }
    if (changes === 0) return;
    const rows = this.#insertedIds?.all(lastRowid - changes, lastRowid) ?? [];
    const written = new Set(rows.map((row) => String(row.id)));
    for (const event of chunk) {
      // An id twice in the same chunk is written once: count it once.
      if (written.delete(event.id)) counted.push(event);
    }
  }

  #addValues(e: PredictionEvent, out: Array<string | number | null>): void {
    const { hash, tokens } = this.#analyse(e);
    const vocabulary = this.#vocabularies.get(`${e.model}@${e.version}`) ?? null;
    out.push(
      e.id,
      e.requestId ?? e.id,
      e.time,
      e.model,
      e.version,
      e.score,
      e.label,
      e.latencyMs,
      e.route,
      e.variant,
      hash,
      this.#keepSentences ? e.sentence : null,
      tokens.length,
      countOov(tokens, vocabulary),
      // Only primary rows are looked up by sentence; shadow rows stay out of that index.
      e.route === "primary" ? this.#sentenceKeyOf(hash) : null,
    );
  }

  #sentenceKeyOf(hash: string): number {
    this.#unindexed++;
    return sentenceKey(hash);
  }

  #analyse(e: PredictionEvent): { hash: string; tokens: string[] } {
    if (e.route !== "primary") {
      const known = this.#recentSentences.get(e.sentence);
      if (known !== undefined) return known;
      return { hash: sentenceHash(e.sentence), tokens: tokenize(e.sentence) };
    }
    const analysed = { hash: sentenceHash(e.sentence), tokens: tokenize(e.sentence) };
    this.#recentSentences.set(e.sentence, analysed);
    return analysed;
  }

  /**
   * Joins feedback with the log. By id: the prediction must be logged (else PREDICTION_NOT_FOUND).
   * By sentence: joined to the latest prediction of that sentence, or kept unjoined (it still
   * teaches `sift learn` and retraining). Same label again = unchanged; a different label for the
   * same prediction replaces the earlier one.
   */
  recordFeedback(input: FeedbackInput, now: number = Date.now()): FeedbackResult {
    const target = input.id !== undefined ? this.#byId(input.id) : this.#bySentence(input.sentence ?? "");
    const sentence = input.sentence ?? target.sentence;
    const existing = this.#db.prepare("SELECT label FROM feedback WHERE key = ?").get(target.key);
    if (existing === undefined) {
      this.#db
        .prepare(
          "INSERT INTO feedback (key, prediction_id, sentence_hash, sentence, label, time) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(target.key, target.predictionId, target.hash, sentence, input.label, now);
      return { status: "created", predictionId: target.predictionId, label: input.label };
    }
    if (str(existing, "label") === input.label) {
      this.#db
        .prepare("UPDATE feedback SET sentence = coalesce(sentence, ?) WHERE key = ?")
        .run(sentence, target.key);
      return { status: "unchanged", predictionId: target.predictionId, label: input.label };
    }
    this.#db
      .prepare("UPDATE feedback SET label = ?, time = ?, sentence = coalesce(?, sentence) WHERE key = ?")
      .run(input.label, now, sentence, target.key);
    return { status: "replaced", predictionId: target.predictionId, label: input.label };
  }

  #byId(id: string): { key: string; predictionId: string; hash: string; sentence: string | null } {
    const row = this.#db
      .prepare("SELECT request_id, sentence_hash, sentence FROM predictions WHERE id = ?")
      .get(id);
    if (row === undefined) throw siftError("PREDICTION_NOT_FOUND", JSON.stringify(id));
    const requestId = str(row, "request_id");
    return {
      key: requestId,
      predictionId: requestId,
      hash: str(row, "sentence_hash"),
      sentence: strOrNull(row, "sentence"),
    };
  }

  #bySentence(sentence: string): {
    key: string;
    predictionId: string | null;
    hash: string;
    sentence: string;
  } {
    const hash = sentenceHash(sentence);
    this.indexSentences();
    const row = this.#db.prepare(LATEST_BY_SENTENCE).get(sentenceKey(hash), hash);
    if (row === undefined) return { key: `sentence:${hash}`, predictionId: null, hash, sentence };
    const requestId = str(row, "request_id");
    return { key: requestId, predictionId: requestId, hash, sentence };
  }

  /**
   * Predictions joined with feedback, per model version and route, since `since` (epoch ms). The
   * writer answers "since the start" from its tally plus the labelled rows; anything else scans.
   */
  liveMetrics(since = 0): LiveMetrics[] {
    if (since > 0 || this.#insert === null) return this.#scanLiveMetrics(since);
    const byVersion = new Map<string, Counts>();
    for (const entry of this.#currentTally().entries()) {
      const counts = countsFor(byVersion, entry.model, entry.version, entry.route);
      counts.predictions += entry.n;
      counts.latency += entry.latency;
    }
    // CROSS JOIN keeps feedback (small) as the outer loop, probing the request-id index.
    const labelled = this.#db
      .prepare(
        `SELECT p.model, p.version, p.route, p.label AS predicted, f.label AS truth, count(*) AS n
         FROM feedback f CROSS JOIN predictions p ON p.request_id = f.key
         GROUP BY p.model, p.version, p.route, p.label, f.label`,
      )
      .all();
    for (const row of labelled) {
      const counts = countsFor(byVersion, str(row, "model"), num(row, "version"), str(row, "route"));
      this.#countTruth(counts, row);
    }
    return [...byVersion.values()].map(toLiveMetrics);
  }

  #scanLiveMetrics(since: number): LiveMetrics[] {
    const rows = this.#db
      .prepare(
        `SELECT p.model, p.version, p.route, p.label AS predicted, f.label AS truth,
                count(*) AS n, sum(p.latency_ms) AS latency
         FROM predictions p LEFT JOIN feedback f ON f.key = p.request_id
         WHERE p.time >= ? GROUP BY p.model, p.version, p.route, p.label, f.label`,
      )
      .all(since);
    const byVersion = new Map<string, Counts>();
    for (const row of rows) {
      const counts = countsFor(byVersion, str(row, "model"), num(row, "version"), str(row, "route"));
      counts.predictions += num(row, "n");
      counts.latency += num(row, "latency");
      this.#countTruth(counts, row);
    }
    return [...byVersion.values()].map(toLiveMetrics);
  }

  /** The tally, taken afresh on first use and whenever another connection has written the log. */
  #currentTally(): LiveTally {
    const version = num(this.#db.prepare("PRAGMA data_version").get() ?? {}, "data_version");
    if (this.#tally === null || version !== this.#dataVersion) {
      this.#tally = LiveTally.scan(this.#db);
      this.#dataVersion = version;
    }
    return this.#tally;
  }

  /** Adds a grouped row's labelled predictions (predicted, truth, n) to the confusion counts. */
  #countTruth(counts: Counts, row: Row): void {
    const truth = strOrNull(row, "truth");
    if (truth === null) return;
    const n = num(row, "n");
    const positive = this.#positive.get(counts.model) ?? this.#defaultPositive;
    counts.labelled += n;
    const predictedPositive = str(row, "predicted") === positive;
    const truePositive = truth === positive;
    if (predictedPositive && truePositive) counts.tp += n;
    else if (predictedPositive) counts.fp += n;
    else if (truePositive) counts.fn += n;
    else counts.tn += n;
  }

  /** The latest `limit` predictions of one model version, as drift inputs. */
  driftSample(model: string, version: number, route: PredictionRoute = "primary", limit = 2000): DriftRows {
    const rows = this.#db
      .prepare(
        `SELECT score, tokens, oov_tokens, label FROM predictions
         WHERE model = ? AND version = ? AND route = ? ORDER BY time DESC, rowid DESC LIMIT ?`,
      )
      .all(model, version, route, limit);
    const sample: DriftRows = { scores: [], lengths: [], tokens: 0, oovTokens: 0, labelCounts: {} };
    for (const row of rows) {
      sample.scores.push(num(row, "score"));
      sample.lengths.push(num(row, "tokens"));
      sample.tokens += num(row, "tokens");
      sample.oovTokens += num(row, "oov_tokens");
      const label = str(row, "label");
      sample.labelCounts[label] = (sample.labelCounts[label] ?? 0) + 1;
    }
    return sample;
  }

  /** Model versions seen in the log (any route), most recent first. */
  versions(): Array<{ model: string; version: number; route: PredictionRoute; last: number }> {
    return this.#db
      .prepare(
        "SELECT model, version, route, max(time) AS last FROM predictions GROUP BY model, version, route ORDER BY last DESC",
      )
      .all()
      .map((row) => ({
        model: str(row, "model"),
        version: num(row, "version"),
        route: str(row, "route") as PredictionRoute,
        last: num(row, "last"),
      }));
  }

  /** Predictions grouped into time buckets of `bucketMs`, for plots over time. */
  series(since: number, bucketMs: number, limit = 200_000): TimeBucket[] {
    const statement = this.#db.prepare(
      `SELECT p.time, p.model, p.version, p.route, p.score, p.label, p.tokens, p.oov_tokens, f.label AS truth
       FROM predictions p LEFT JOIN feedback f ON f.key = p.request_id
       WHERE p.time >= ? ORDER BY p.time DESC, p.rowid DESC LIMIT ?`,
    );
    // Rows as arrays, not objects: a dashboard refresh reads up to `limit` rows every few seconds
    // in the writer thread, and building an object per row was half of that time.
    statement.setReturnArrays(true);
    const rows = statement.all(since, limit) as unknown as readonly SeriesRow[];
    const buckets = new Map<string, MutableBucket>();
    // Newest first from SQLite (the LIMIT keeps the latest); buckets fill oldest first.
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i] as SeriesRow;
      const start = Math.floor(Number(row[S_TIME]) / bucketMs) * bucketMs;
      const key = `${start}\u0000${String(row[S_MODEL])}\u0000${Number(row[S_VERSION])}\u0000${String(row[S_ROUTE])}`;
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = newBucket(start, String(row[S_MODEL]), Number(row[S_VERSION]), String(row[S_ROUTE]));
        buckets.set(key, bucket);
      }
      this.#addToBucket(bucket, row);
    }
    return [...buckets.values()];
  }

  #addToBucket(bucket: MutableBucket, row: SeriesRow): void {
    const positive = this.#positive.get(bucket.model) ?? this.#defaultPositive;
    const predictedPositive = String(row[S_LABEL]) === positive;
    bucket.predictions++;
    bucket.positives += predictedPositive ? 1 : 0;
    bucket.tokens += Number(row[S_TOKENS]);
    bucket.oovTokens += Number(row[S_OOV]);
    bucket.scores.push(Number(row[S_SCORE]));
    const truth = row[S_TRUTH];
    if (truth == null) return;
    bucket.labelled++;
    if (predictedPositive && String(truth) === positive) bucket.tp++;
    else if (predictedPositive) bucket.fp++;
    else if (String(truth) === positive) bucket.fn++;
  }

  counts(): { rows: number; feedback: number } {
    const rows = this.#db.prepare("SELECT count(*) AS n FROM predictions").get();
    const feedback = this.#db.prepare("SELECT count(*) AS n FROM feedback").get();
    return { rows: rows ? num(rows, "n") : 0, feedback: feedback ? num(feedback, "n") : 0 };
  }

  /** Logged predictions since `since`, oldest first, streamed (exports can be large). */
  *rows(since = 0): Generator<PredictionRow> {
    const statement = this.#db.prepare("SELECT * FROM predictions WHERE time >= ? ORDER BY time, id");
    for (const row of statement.iterate(since)) yield toPredictionRow(row);
  }

  /** Feedback since `since`, with the sentence from the feedback or, when logged, the prediction. */
  feedbackRows(since = 0): FeedbackRow[] {
    return this.#db
      .prepare(
        `SELECT f.prediction_id, f.sentence_hash, coalesce(f.sentence, p.sentence) AS sentence, f.label, f.time
         FROM feedback f LEFT JOIN predictions p ON p.id = f.prediction_id
         WHERE f.time >= ? ORDER BY f.time, f.key`,
      )
      .all(since)
      .map((row) => ({
        predictionId: strOrNull(row, "prediction_id"),
        sentenceHash: str(row, "sentence_hash"),
        sentence: strOrNull(row, "sentence"),
        label: str(row, "label"),
        time: num(row, "time"),
      }));
  }

  addEvent(event: LoopEvent): void {
    this.#db
      .prepare("INSERT INTO events (time, kind, model, version, detail) VALUES (?, ?, ?, ?, ?)")
      .run(event.time, event.kind, event.model, event.version, event.detail);
  }

  events(since = 0): LoopEvent[] {
    return this.#db
      .prepare("SELECT time, kind, model, version, detail FROM events WHERE time >= ? ORDER BY seq")
      .all(since)
      .map((row) => ({
        time: num(row, "time"),
        kind: str(row, "kind"),
        model: strOrNull(row, "model"),
        version: row.version == null ? null : num(row, "version"),
        detail: str(row, "detail"),
      }));
  }

  /** Deletes predictions older than the age limit, then the oldest beyond the row limit. */
  prune(now: number = Date.now()): number {
    const cutoff = now - this.#maxAgeDays * 86_400_000;
    this.indexSentences();
    let deleted = 0;
    // One transaction, so the rows the tally uncounts are exactly the rows deleted.
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      deleted += this.#deleteWhere("time < ?", cutoff);
      const excess = this.counts().rows - this.#maxRows;
      if (excess > 0) {
        deleted += this.#deleteWhere(
          "rowid IN (SELECT rowid FROM predictions ORDER BY time, rowid LIMIT ?)",
          excess,
        );
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      this.#tally = null;
      throw error;
    }
    if (deleted > 0) {
      this.#clearPrunedSentences(now);
      this.#db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return deleted;
  }

  /**
   * Drops sentence-index entries of pruned rows: a scan of the (narrow) index, so at most hourly;
   * in between, lookups skip them (their rows are gone).
   */
  #clearPrunedSentences(now: number): void {
    if (now - this.#cleanedAt < SENTENCE_CLEANUP_MS) return;
    this.#cleanedAt = now;
    this.#db
      .prepare(
        "DELETE FROM sentence_index WHERE prediction_rowid < coalesce((SELECT min(rowid) FROM predictions), ?)",
      )
      .run(Number.MAX_SAFE_INTEGER);
  }

  /** Deletes the predictions matching `where` (one parameter), uncounting them from the tally. */
  #deleteWhere(where: string, arg: number): number {
    if (this.#tally !== null) this.#tally.addRows(groupedPredictions(this.#db, where, [arg]), -1);
    return Number(this.#db.prepare(`DELETE FROM predictions WHERE ${where}`).run(arg).changes);
  }

  close(): void {
    if (!this.#db.isOpen) return;
    try {
      this.indexSentences();
    } finally {
      this.#db.close();
    }
  }
}

export interface DriftRows {
  scores: number[];
  lengths: number[];
  tokens: number;
  oovTokens: number;
  labelCounts: Record<string, number>;
}

interface Counts {
  model: string;
  version: number;
  route: PredictionRoute;
  predictions: number;
  labelled: number;
  latency: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** A row of `series`' query, in its column order (the statement returns arrays). */
type SeriesRow = readonly SQLOutputValue[];
const [S_TIME, S_MODEL, S_VERSION, S_ROUTE, S_SCORE, S_LABEL, S_TOKENS, S_OOV, S_TRUTH] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8,
];

type MutableBucket = { -readonly [K in keyof TimeBucket]: TimeBucket[K] } & { scores: number[] };

/** The counts of one model version and route in `byVersion`, created empty on first use. */
function countsFor(byVersion: Map<string, Counts>, model: string, version: number, route: string): Counts {
  const key = `${model}\u0000${version}\u0000${route}`;
  let counts = byVersion.get(key);
  if (counts === undefined) {
    counts = emptyCounts(model, version, route as PredictionRoute);
    byVersion.set(key, counts);
  }
  return counts;
}

function emptyCounts(model: string, version: number, route: PredictionRoute): Counts {
  return {
    model,
    version,
    route,
    predictions: 0,
    labelled: 0,
    latency: 0,
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
  };
}

function newBucket(start: number, model: string, version: number, route: string): MutableBucket {
  return {
    start,
    model,
    version,
    route: route as PredictionRoute,
    predictions: 0,
    positives: 0,
    tokens: 0,
    oovTokens: 0,
    scores: [],
    labelled: 0,
    tp: 0,
    fp: 0,
    fn: 0,
  };
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

function toLiveMetrics(c: Counts): LiveMetrics {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  return {
    model: c.model,
    version: c.version,
    route: c.route,
    predictions: c.predictions,
    labelled: c.labelled,
    tp: c.tp,
    fp: c.fp,
    fn: c.fn,
    tn: c.tn,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    accuracy: ratio(c.tp + c.tn, c.labelled),
    meanLatencyMs: ratio(c.latency, c.predictions),
  };
}

function toPredictionRow(row: Row): PredictionRow {
  return {
    id: str(row, "id"),
    requestId: str(row, "request_id"),
    time: num(row, "time"),
    model: str(row, "model"),
    version: num(row, "version"),
    score: num(row, "score"),
    label: str(row, "label"),
    latencyMs: num(row, "latency_ms"),
    route: str(row, "route") as PredictionRoute,
    variant: str(row, "variant"),
    sentenceHash: str(row, "sentence_hash"),
    sentence: strOrNull(row, "sentence"),
    tokens: num(row, "tokens"),
    oovTokens: num(row, "oov_tokens"),
  };
}
