/**
 * TF-IDF vectoriser over a learnt vocabulary (scikit-learn's TfidfVectorizer semantics):
 * idf = ln((1 + n) / (1 + df)) + 1 when smoothed, ln(n / df) + 1 otherwise; sublinear tf =
 * 1 + ln(tf); rows scaled to unit l2 (or l1) norm. Vocabulary pruned by min_df (documents),
 * max_df (fraction of documents) and max_features (highest corpus counts), then sorted, so
 * column order depends on the data only.
 *
 * Input text is expected normalised already (see Normaliser): the classifier normalises once and
 * hands the same string to every featuriser of a union.
 */
import { siftError } from "../errors.ts";
import {
  type Analyzer,
  CharWbAnalyzer,
  DEFAULT_TOKEN_PATTERN,
  tokenPatternProblem,
  WordAnalyzer,
} from "./analyzers.ts";
import { bytesToF64, bytesToJson, f64ToBytes, jsonToBytes, requireFile } from "./bytes.ts";
import { countCharWb } from "./char-wb-count.ts";
import { GramCache } from "./gram-cache.ts";
import { KeyBuffer, KeyTable, termKey } from "./keys.ts";
import { type ParamsOf, validateParams } from "./params.ts";
import { type Csr, normaliseBlock, type RowBuffer, rowsToCsr } from "./sparse.ts";

export const tfidfSchema = {
  analyzer: { type: "enum", values: ["word", "char_wb"], default: "word" },
  ngramRange: { type: "range", default: [1, 1], min: 1, max: 8 },
  tokenPattern: { type: "string", default: DEFAULT_TOKEN_PATTERN, check: tokenPatternProblem },
  minDf: { type: "number", default: 1, min: 1, integer: true },
  maxDf: { type: "number", default: 1, min: 0, exclusiveMin: true, max: 1 },
  /** Keep only this many terms, by corpus count; 0 keeps all. */
  maxFeatures: { type: "number", default: 0, min: 0, integer: true },
  binary: { type: "boolean", default: false },
  sublinearTf: { type: "boolean", default: false },
  useIdf: { type: "boolean", default: true },
  smoothIdf: { type: "boolean", default: true },
  norm: { type: "enum", values: ["l2", "l1", "none"], default: "l2" },
} as const;

export type TfidfParams = ParamsOf<typeof tfidfSchema>;

export function makeAnalyzer(p: {
  readonly analyzer: string;
  readonly ngramRange: readonly [number, number];
  readonly tokenPattern: string;
}): Analyzer {
  const [lo, hi] = p.ngramRange;
  return p.analyzer === "char_wb" ? new CharWbAnalyzer(lo, hi) : new WordAnalyzer(p.tokenPattern, lo, hi);
}

interface Fitted {
  readonly terms: readonly string[];
  /** idf per column (column order: what is saved). */
  readonly idf: Float64Array;
  /**
   * Terms are looked up, counted and cached under ids ranked by document frequency, most frequent
   * first, so the few hundred n-grams most sentences share sit together in a few cache lines of
   * each per-term array instead of being spread over all columns. `columnOf[id]` is the column.
   */
  readonly columnOf: Int32Array;
  /** idf per id. */
  readonly idfById: Float64Array;
  /** Key → id. */
  readonly table: KeyTable;
  /** Per-id scratch counts for one row; always all-zero between calls. */
  readonly counts: Int32Array;
  /** char_wb only: the columns of each word seen, so a known word costs one lookup. */
  readonly grams: GramCache | null;
}

/** Raw vocabulary statistics gathered in one pass over the corpus. */
interface Counted {
  readonly terms: string[];
  readonly df: number[];
  readonly total: number[];
}

export class TfidfVectorizer {
  readonly params: TfidfParams;
  private readonly analyzer: Analyzer;
  private readonly keyBuffer = new KeyBuffer();
  /** Term ids seen in the current row, in first-seen order (scratch, reused). */
  private touched = new Int32Array(256);
  private touchedLength = 0;
  /** float32-rounded tf·idf of the touched ids (scratch for accumulateDot). */
  private touchedValues = new Float64Array(256);
  /** Their weights, copied in the same pass, so the dot product reads two arrays in order. */
  private touchedWeights = new Float64Array(256);
  /** See pairsFor. */
  private pairs: Float64Array | null = null;
  private pairsCoef: Float64Array | null = null;
  private pairsOffset = 0;
  /** Ids of one word's n-grams (scratch for the gram cache). */
  private wordCols = new Int32Array(256);
  private fitted: Fitted | null = null;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = validateParams("TfidfVectorizer", tfidfSchema, params);
    this.analyzer = makeAnalyzer(this.params);
  }

  get cols(): number {
    return this.state("cols").terms.length;
  }

  /** The learnt terms, in column order. */
  get vocabulary(): readonly string[] {
    return this.state("vocabulary").terms;
  }

  private state(what: string): Fitted {
    if (this.fitted === null) throw siftError("MODEL_NOT_FITTED", "TfidfVectorizer", what);
    return this.fitted;
  }

  private count(texts: readonly string[]): Counted {
    if (this.analyzer instanceof CharWbAnalyzer) return countCharWb(texts, this.analyzer);
    const table = new KeyTable(1 << 16);
    const terms: string[] = [];
    const df: number[] = [];
    const total: number[] = [];
    const lastDoc: number[] = [];
    const keys = this.keyBuffer;
    for (let d = 0; d < texts.length; d++) {
      const text = texts[d] as string;
      keys.length = 0;
      this.analyzer.keys(text, keys);
      let names: string[] | null = null;
      for (let j = 0; j < keys.length; j++) {
        const a = keys.a[j] as number;
        const b = keys.b[j] as number;
        let id = table.get(a, b);
        if (id < 0) {
          names ??= this.analyzer.terms(text);
          id = terms.length;
          table.insert(a, b, id);
          terms.push(names[j] as string);
          df.push(0);
          total.push(0);
          lastDoc.push(-1);
        }
        total[id] = (total[id] as number) + 1;
        if (lastDoc[id] !== d) {
          lastDoc[id] = d;
          df[id] = (df[id] as number) + 1;
        }
      }
    }
    return { terms, df, total };
  }

  private keptTerms(counted: Counted, docs: number): number[] {
    const { minDf, maxDf, maxFeatures } = this.params;
    const maxDocs = maxDf * docs;
    let kept: number[] = [];
    for (let id = 0; id < counted.terms.length; id++) {
      const df = counted.df[id] as number;
      if (df >= minDf && df <= maxDocs) kept.push(id);
    }
    if (maxFeatures > 0 && kept.length > maxFeatures) {
      // Highest corpus count first; ties broken by the term so the result never depends on order.
      kept.sort(
        (x, y) => (counted.total[y] as number) - (counted.total[x] as number) || compare(counted.terms, x, y),
      );
      kept = kept.slice(0, maxFeatures);
    }
    return kept.sort((x, y) => compare(counted.terms, x, y));
  }

  fit(texts: readonly string[]): this {
    const counted = this.count(texts);
    const kept = this.keptTerms(counted, texts.length);
    if (kept.length === 0) {
      throw siftError(
        "VOCABULARY_EMPTY",
        `TfidfVectorizer(${this.params.analyzer})`,
        texts.length,
        this.params.minDf,
      );
    }
    const terms = kept.map((id) => counted.terms[id] as string);
    const idf = new Float64Array(kept.length);
    const n = texts.length;
    const smooth = this.params.smoothIdf ? 1 : 0;
    for (let i = 0; i < kept.length; i++) {
      const df = counted.df[kept[i] as number] as number;
      idf[i] = this.params.useIdf ? Math.log((n + smooth) / (df + smooth)) + 1 : 1;
    }
    this.fitted = buildFitted(terms, idf, this.params.analyzer);
    this.pairs = null;
    return this;
  }

  private touch(id: number, counts: Int32Array): void {
    if (counts[id] === 0) {
      if (this.touchedLength === this.touched.length) {
        const next = new Int32Array(this.touched.length * 2);
        next.set(this.touched);
        this.touched = next;
      }
      this.touched[this.touchedLength++] = id;
    }
    counts[id] = (counts[id] as number) + 1;
  }

  /** touch() for ids[from, to), with the scratch list in locals (the char_wb hot loop). */
  private touchAll(ids: Int32Array, from: number, to: number, counts: Int32Array): void {
    let length = this.touchedLength;
    if (length + (to - from) > this.touched.length) {
      const next = new Int32Array(Math.max(this.touched.length * 2, length + (to - from)));
      next.set(this.touched.subarray(0, length));
      this.touched = next;
    }
    const touched = this.touched;
    for (let i = from; i < to; i++) {
      const id = ids[i] as number;
      const c = counts[id] as number;
      if (c === 0) touched[length++] = id;
      counts[id] = c + 1;
    }
    this.touchedLength = length;
  }

  /** Counts the known terms of `text` into `counts` by id; `touched` lists the ids seen. */
  private countTerms(text: string, fitted: Fitted): void {
    this.touchedLength = 0;
    if (fitted.grams !== null && this.analyzer instanceof CharWbAnalyzer) {
      this.countWordGrams(text, fitted, fitted.grams, this.analyzer);
      return;
    }
    const { table, counts } = fitted;
    const keys = this.keyBuffer;
    keys.length = 0;
    this.analyzer.keys(text, keys);
    for (let j = 0; j < keys.length; j++) {
      const id = table.get(keys.a[j] as number, keys.b[j] as number);
      if (id >= 0) this.touch(id, counts);
    }
  }

  /** char_wb through the gram cache: one lookup per known word. */
  private countWordGrams(text: string, fitted: Fitted, grams: GramCache, analyzer: CharWbAnalyzer): void {
    const words = analyzer.wordSpans(text);
    const { counts } = fitted;
    for (let w = 0; w < words; w++) {
      const s = analyzer.starts[w] as number;
      const e = analyzer.ends[w] as number;
      let offset = grams.find(text, s, e);
      if (offset < 0) {
        const n = this.wordColumns(text, s, e, fitted.table, analyzer);
        offset = grams.store(this.wordCols, n);
        if (offset < 0) {
          for (let i = 0; i < n; i++) this.touch(this.wordCols[i] as number, counts);
          continue;
        }
      }
      this.touchAll(grams.pool, offset + 1, offset + 1 + (grams.pool[offset] as number), counts);
    }
  }

  /** The ids of one word's known n-grams into `wordCols`; returns how many. */
  private wordColumns(text: string, s: number, e: number, table: KeyTable, analyzer: CharWbAnalyzer): number {
    const keys = this.keyBuffer;
    keys.length = 0;
    analyzer.wordKeys(text, s, e, keys);
    if (this.wordCols.length < keys.length) this.wordCols = new Int32Array(keys.length * 2);
    let n = 0;
    for (let j = 0; j < keys.length; j++) {
      const id = table.get(keys.a[j] as number, keys.b[j] as number);
      if (id >= 0) this.wordCols[n++] = id;
    }
    return n;
  }

  /** Appends the row of one normalised text to `row`, with columns shifted by `offset`. */
  addRow(text: string, row: RowBuffer, offset: number): void {
    const fitted = this.state("transform");
    this.countTerms(text, fitted);
    const { idfById, columnOf, counts } = fitted;
    const { binary, sublinearTf } = this.params;
    const start = row.length;
    const touched = this.touched;
    const n = this.touchedLength;
    row.reserve(n);
    const { indices, values } = row;
    for (let t = 0; t < n; t++) {
      const id = touched[t] as number;
      const c = counts[id] as number;
      counts[id] = 0;
      // Most n-grams occur once in a short text: tf = 1 whatever the scheme, no log needed.
      const tf = c === 1 || binary ? 1 : sublinearTf ? sublinear(c) : c;
      indices[start + t] = (columnOf[id] as number) + offset;
      values[start + t] = tf * (idfById[id] as number);
    }
    row.length = start + n;
    normaliseBlock(row, start, this.params.norm);
  }

  /**
   * z plus this text's row · coef[offset…], bit for bit what addRow then a dot product give: the
   * same float32 roundings (Math.fround where addRow stores into a float32 row), the same norm
   * summed in the same order, terms added in addRow's order.
   */
  accumulateDot(text: string, coef: Float64Array, offset: number, z: number): number {
    const fitted = this.state("transform");
    this.countTerms(text, fitted);
    const pairs = this.pairsFor(fitted, coef, offset);
    const sum = this.touchedTfIdf(fitted.counts, pairs);
    const { norm } = this.params;
    const values = this.touchedValues;
    const weights = this.touchedWeights;
    const n = this.touchedLength;
    let dot = z;
    if (norm === "none" || sum === 0) {
      for (let t = 0; t < n; t++) dot += (values[t] as number) * (weights[t] as number);
      return dot;
    }
    const scale = 1 / (norm === "l2" ? Math.sqrt(sum) : sum);
    for (let t = 0; t < n; t++) dot += Math.fround((values[t] as number) * scale) * (weights[t] as number);
    return dot;
  }

  /**
   * float32 tf·idf of each touched id into `touchedValues` and its weight into `touchedWeights`
   * (clearing its count, as addRow does); returns the sum the norm is taken of (squares for l2, magnitudes for l1).
   */
  private touchedTfIdf(counts: Int32Array, pairs: Float64Array): number {
    const { binary, sublinearTf, norm } = this.params;
    const touched = this.touched;
    const n = this.touchedLength;
    if (this.touchedValues.length < n) {
      this.touchedValues = new Float64Array(this.touched.length);
      this.touchedWeights = new Float64Array(this.touched.length);
    }
    const values = this.touchedValues;
    const weights = this.touchedWeights;
    if (sublinearTf && !binary && norm === "l2") return this.touchedSublinearL2(counts, pairs);
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const id = touched[t] as number;
      const c = counts[id] as number;
      counts[id] = 0;
      const tf = c === 1 || binary ? 1 : sublinearTf ? sublinear(c) : c;
      const v = Math.fround(tf * (pairs[id << 1] as number));
      values[t] = v;
      weights[t] = pairs[(id << 1) + 1] as number;
      sum += norm === "l1" ? Math.abs(v) : v * v;
    }
    return sum;
  }

  /** touchedTfIdf for the default scheme (sublinear tf, l2 norm), its branches decided outside the loop. */
  private touchedSublinearL2(counts: Int32Array, pairs: Float64Array): number {
    const touched = this.touched;
    const n = this.touchedLength;
    const values = this.touchedValues;
    const weights = this.touchedWeights;
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const id = touched[t] as number;
      const c = counts[id] as number;
      counts[id] = 0;
      const at = id << 1;
      const idf = pairs[at] as number;
      const v = Math.fround(c === 1 ? idf : sublinear(c) * idf);
      values[t] = v;
      weights[t] = pairs[at + 1] as number;
      sum += v * v;
    }
    return sum;
  }

  /**
   * idf and weight of each term side by side by id (idf, coef[offset + column]) for the coef last
   * scored with: a term's two numbers share a cache line instead of costing two misses. Copies
   * of the caller's numbers, rebuilt when it scores with other weights.
   */
  private pairsFor(fitted: Fitted, coef: Float64Array, offset: number): Float64Array {
    if (this.pairs !== null && this.pairsCoef === coef && this.pairsOffset === offset) return this.pairs;
    const { idfById, columnOf } = fitted;
    const pairs = new Float64Array(idfById.length * 2);
    for (let id = 0; id < idfById.length; id++) {
      pairs[id << 1] = idfById[id] as number;
      pairs[(id << 1) + 1] = coef[offset + (columnOf[id] as number)] as number;
    }
    this.pairs = pairs;
    this.pairsCoef = coef;
    this.pairsOffset = offset;
    return pairs;
  }

  transform(texts: readonly string[]): Csr {
    return rowsToCsr(texts, this.cols, (text, row) => this.addRow(text, row, 0));
  }

  fitTransform(texts: readonly string[]): Csr {
    return this.fit(texts).transform(texts);
  }

  featureName(col: number): string {
    const term = this.state("featureName").terms[col];
    return term === undefined ? `?${col}` : term;
  }

  /** Files under `prefix`: the vocabulary (JSON list of terms) and idf (float64 LE). */
  save(prefix: string): Record<string, Uint8Array> {
    const { terms, idf } = this.state("save");
    return { [`${prefix}vocabulary.json`]: jsonToBytes(terms), [`${prefix}idf.f64`]: f64ToBytes(idf) };
  }

  static load(
    params: Readonly<Record<string, unknown>>,
    files: Readonly<Record<string, Uint8Array>>,
    prefix: string,
  ): TfidfVectorizer {
    const vectorizer = new TfidfVectorizer(params);
    const terms = bytesToJson(requireFile(files, `${prefix}vocabulary.json`), `${prefix}vocabulary.json`);
    const idf = bytesToF64(requireFile(files, `${prefix}idf.f64`), `${prefix}idf.f64`);
    if (!Array.isArray(terms) || terms.length !== idf.length || !terms.every((t) => typeof t === "string")) {
      throw siftError("MODEL_SPEC_INVALID", `${prefix}vocabulary.json does not match ${prefix}idf.f64`);
    }
    vectorizer.fitted = buildFitted(terms as string[], idf, vectorizer.params.analyzer);
    return vectorizer;
  }
}

/** 1 + ln(c) for the small counts short texts have, computed once (the same numbers). */
const SUBLINEAR = Float64Array.from({ length: 64 }, (_, c) => 1 + Math.log(c));

function sublinear(c: number): number {
  return c < 64 ? (SUBLINEAR[c] as number) : 1 + Math.log(c);
}

function compare(terms: readonly string[], x: number, y: number): number {
  const a = terms[x] as string;
  const b = terms[y] as string;
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildFitted(terms: readonly string[], idf: Float64Array, analyzer: string): Fitted {
  // idf falls as document frequency rises: ascending idf is most frequent first (ties by column).
  const columnOf = Int32Array.from(terms, (_, col) => col).sort(
    (x, y) => (idf[x] as number) - (idf[y] as number) || x - y,
  );
  const idfById = Float64Array.from(columnOf, (col) => idf[col] as number);
  const table = new KeyTable(terms.length);
  for (let id = 0; id < columnOf.length; id++) {
    const term = terms[columnOf[id] as number] as string;
    const [a, b] = termKey(term);
    if (table.get(a, b) >= 0)
      throw siftError("MODEL_SPEC_INVALID", `the vocabulary repeats ${JSON.stringify(term)}`);
    table.insert(a, b, id);
  }
  const grams = analyzer === "char_wb" ? new GramCache() : null;
  return { terms, idf, columnOf, idfById, table, counts: new Int32Array(terms.length), grams };
}
