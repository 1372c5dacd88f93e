/**
 * Sentence vectors from pretrained word vectors: the sum of the vectors of a sentence's words,
 * scaled to unit l2 norm (then by `scale`), as D dense columns next to the sparse n-gram columns.
 * They let the model weigh words it never saw in training by their neighbours in the pretrained
 * space ("inferno" near "fire").
 *
 * At fit time the vectors of the training vocabulary plus the `topWords` most frequent words are
 * read from the vectors file (streamed: see word-vectors.ts) and quantised to int8 with one scale
 * per word; featurising at fit and at predict time both use the quantised vectors, so the model is
 * fitted on exactly what it will see. The artifact holds the kept words, not the 300 MB file.
 *
 * Exact explanations: the block's contribution is Σ_d u_d·x_d = Σ_w (u·e_w)/‖Σ_w e_w‖, a sum over
 * the sentence's words — see `wordShares`.
 */
import { siftError } from "../errors.ts";
import { tokenPatternProblem, WordAnalyzer } from "./analyzers.ts";
import { bytesToF64, bytesToJson, f64ToBytes, jsonToBytes, requireFile } from "./bytes.ts";
import { KEY_SEED_A, KEY_SEED_B, KeyTable, mixA, mixB, termKey } from "./keys.ts";
import { type ParamsOf, validateParams } from "./params.ts";
import { type Csr, type RowBuffer, rowsToCsr } from "./sparse.ts";
import { readWordVectors, resolveVectorsFile, WINK_VECTORS } from "./word-vectors.ts";

export const embeddingSchema = {
  /** An npm package holding the vectors (resolved from sift's node_modules) or a path to a file in its format. */
  source: { type: "string", default: WINK_VECTORS },
  /** Besides the training vocabulary, keep the vectors of this many most frequent words. */
  topWords: { type: "number", default: 20000, min: 0, integer: true },
  tokenPattern: { type: "string", default: "[\\p{L}\\p{M}\\p{N}_']+", check: tokenPatternProblem },
  /** Multiplies the unit-norm sentence vector: its weight against the n-gram block's norm of 1. */
  scale: { type: "number", default: 1, min: 0, exclusiveMin: true },
} as const;

export type EmbeddingParams = ParamsOf<typeof embeddingSchema>;

interface Fitted {
  readonly words: readonly string[];
  readonly dimensions: number;
  /** words × dimensions int8 codes; vector of word w = codes[w·D + d] · scales[w]. */
  readonly codes: Int8Array;
  readonly scales: Float64Array;
  readonly table: KeyTable;
}

/** int8 codes with one max-abs scale per row: deterministic, ~4× smaller than float32. */
function quantise(
  vectors: Float32Array,
  rows: number,
  d: number,
): { codes: Int8Array; scales: Float64Array } {
  const codes = new Int8Array(rows * d);
  const scales = new Float64Array(rows);
  for (let w = 0; w < rows; w++) {
    let top = 0;
    for (let k = 0; k < d; k++) top = Math.max(top, Math.abs(vectors[w * d + k] as number));
    const scale = top / 127;
    scales[w] = scale;
    if (scale === 0) continue;
    for (let k = 0; k < d; k++) codes[w * d + k] = Math.round((vectors[w * d + k] as number) / scale);
  }
  return { codes, scales };
}

function buildFitted(
  words: readonly string[],
  dimensions: number,
  codes: Int8Array,
  scales: Float64Array,
): Fitted {
  const table = new KeyTable(words.length);
  words.forEach((word, i) => {
    const [a, b] = termKey(word);
    if (table.get(a, b) < 0) table.insert(a, b, i);
  });
  return { words, dimensions, codes, scales, table };
}

export class EmbeddingVectorizer {
  readonly params: EmbeddingParams;
  private readonly tokens: WordAnalyzer;
  private fitted: Fitted | null = null;
  private sum = new Float64Array(0);
  /** Kept-word indices of the current sentence's tokens (scratch, reused). */
  private found = new Int32Array(64);

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = validateParams("EmbeddingVectorizer", embeddingSchema, params);
    this.tokens = new WordAnalyzer(this.params.tokenPattern, 1, 1);
  }

  private state(what: string): Fitted {
    if (this.fitted === null) throw siftError("MODEL_NOT_FITTED", "EmbeddingVectorizer", what);
    return this.fitted;
  }

  get cols(): number {
    return this.state("cols").dimensions;
  }

  /** Kept words, in the vectors file's order. */
  get vocabulary(): readonly string[] {
    return this.state("vocabulary").words;
  }

  private vocabularyOf(texts: readonly string[]): Set<string> {
    const vocabulary = new Set<string>();
    for (const text of texts) for (const term of this.tokens.terms(text)) vocabulary.add(term);
    return vocabulary;
  }

  fit(texts: readonly string[]): this {
    const vocabulary = this.vocabularyOf(texts);
    const file = resolveVectorsFile(this.params.source);
    const top = this.params.topWords;
    // Repeated fits in one process (CV folds, grid searches) read through word-vectors.ts's index.
    const read = readWordVectors(file, (word, rank) => rank < top || vocabulary.has(word));
    if (read.words.length === 0) {
      throw siftError("EMBEDDINGS_INVALID", file, "no vector for any word of the training texts");
    }
    const { codes, scales } = quantise(read.vectors, read.words.length, read.dimensions);
    this.fitted = buildFitted(read.words, read.dimensions, codes, scales);
    return this;
  }

  /** Index of the word text[s, e) among the kept words, or -1. */
  private wordAt(text: string, s: number, e: number, table: KeyTable): number {
    let a = KEY_SEED_A;
    let b = KEY_SEED_B;
    for (let k = s; k < e; k++) {
      const c = text.charCodeAt(k);
      a = mixA(a, c);
      b = mixB(b, c);
    }
    return table.get(a, b);
  }

  /** Σ of the word vectors of `text` into `this.sum`; returns its l2 norm. */
  private sumVectors(text: string, f: Fitted): number {
    const d = f.dimensions;
    if (this.sum.length !== d) this.sum = new Float64Array(d);
    const sum = this.sum;
    sum.fill(0);
    const { codes, scales, table } = f;
    const tokens = this.tokens;
    const count = tokens.spans(text);
    if (this.found.length < count) this.found = new Int32Array(count * 2);
    const found = this.found;
    let n = 0;
    for (let t = 0; t < count; t++) {
      const w = this.wordAt(text, tokens.starts[t] as number, tokens.ends[t] as number, table);
      if (w >= 0) found[n++] = w;
    }
    // Several words per pass over the dimensions: each sum[k] is read and written less often,
    // and its additions happen in the same order as one word at a time (the same numbers).
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const w1 = found[i] as number;
      const w2 = found[i + 1] as number;
      const w3 = found[i + 2] as number;
      const w4 = found[i + 3] as number;
      const s1 = scales[w1] as number;
      const s2 = scales[w2] as number;
      const s3 = scales[w3] as number;
      const s4 = scales[w4] as number;
      const b1 = w1 * d;
      const b2 = w2 * d;
      const b3 = w3 * d;
      const b4 = w4 * d;
      for (let k = 0; k < d; k++) {
        sum[k] =
          (sum[k] as number) +
          (codes[b1 + k] as number) * s1 +
          (codes[b2 + k] as number) * s2 +
          (codes[b3 + k] as number) * s3 +
          (codes[b4 + k] as number) * s4;
      }
    }
    for (; i + 1 < n; i += 2) {
      const w1 = found[i] as number;
      const w2 = found[i + 1] as number;
      const s1 = scales[w1] as number;
      const s2 = scales[w2] as number;
      const b1 = w1 * d;
      const b2 = w2 * d;
      for (let k = 0; k < d; k++) {
        sum[k] = (sum[k] as number) + (codes[b1 + k] as number) * s1 + (codes[b2 + k] as number) * s2;
      }
    }
    for (; i < n; i++) {
      const w = found[i] as number;
      const scale = scales[w] as number;
      const base = w * d;
      for (let k = 0; k < d; k++) sum[k] = (sum[k] as number) + (codes[base + k] as number) * scale;
    }
    let sq = 0;
    for (let k = 0; k < d; k++) sq += (sum[k] as number) * (sum[k] as number);
    return Math.sqrt(sq);
  }

  addRow(text: string, row: RowBuffer, offset: number): void {
    const f = this.state("transform");
    const norm = this.sumVectors(text, f);
    if (norm === 0) return;
    const factor = this.params.scale / norm;
    for (let k = 0; k < f.dimensions; k++) row.push(offset + k, (this.sum[k] as number) * factor);
  }

  accumulateDot(text: string, coef: Float64Array, offset: number, z: number): number {
    const f = this.state("transform");
    const norm = this.sumVectors(text, f);
    if (norm === 0) return z;
    const factor = this.params.scale / norm;
    const sum = this.sum;
    let dot = z;
    // Math.fround: addRow stores each value in a float32 row.
    for (let k = 0; k < f.dimensions; k++) {
      dot += Math.fround((sum[k] as number) * factor) * (coef[offset + k] as number);
    }
    return dot;
  }

  /**
   * How the block's contribution Σ_d weights[d]·x_d splits over the sentence's words: word w gets
   * scale·(weights·e_w)/‖Σ e‖ (each occurrence counted), which sums to the block's contribution.
   */
  wordShares(text: string, weights: Float64Array): { word: string; share: number }[] {
    const f = this.state("wordShares");
    const norm = this.sumVectors(text, f);
    if (norm === 0) return [];
    const d = f.dimensions;
    const shares = new Map<string, number>();
    const count = this.tokens.spans(text);
    for (let t = 0; t < count; t++) {
      const w = this.wordAt(text, this.tokens.starts[t] as number, this.tokens.ends[t] as number, f.table);
      if (w < 0) continue;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += (weights[k] as number) * (f.codes[w * d + k] as number);
      const word = f.words[w] as string;
      const share = (dot * (f.scales[w] as number) * this.params.scale) / norm;
      shares.set(word, (shares.get(word) ?? 0) + share);
    }
    return Array.from(shares, ([word, share]) => ({ word, share }));
  }

  transform(texts: readonly string[]): Csr {
    return rowsToCsr(texts, this.cols, (text, row) => this.addRow(text, row, 0));
  }

  featureName(col: number): string {
    return `d${col}`;
  }

  /** Files under `prefix`: the kept words (JSON), their int8 codes and per-word scales. */
  save(prefix: string): Record<string, Uint8Array> {
    const f = this.state("save");
    return {
      [`${prefix}words.json`]: jsonToBytes({ dimensions: f.dimensions, words: f.words }),
      [`${prefix}codes.i8`]: new Uint8Array(f.codes.buffer, f.codes.byteOffset, f.codes.byteLength).slice(),
      [`${prefix}scales.f64`]: f64ToBytes(f.scales),
    };
  }

  static load(
    params: Readonly<Record<string, unknown>>,
    files: Readonly<Record<string, Uint8Array>>,
    prefix: string,
  ): EmbeddingVectorizer {
    const vectorizer = new EmbeddingVectorizer(params);
    const meta = bytesToJson(requireFile(files, `${prefix}words.json`), `${prefix}words.json`) as {
      dimensions?: unknown;
      words?: unknown;
    } | null;
    const codes = requireFile(files, `${prefix}codes.i8`);
    const scales = bytesToF64(requireFile(files, `${prefix}scales.f64`), `${prefix}scales.f64`);
    const words = meta?.words;
    const d = meta?.dimensions;
    if (
      !Array.isArray(words) ||
      !words.every((w) => typeof w === "string") ||
      typeof d !== "number" ||
      !Number.isInteger(d) ||
      d < 1 ||
      words.length !== scales.length ||
      codes.length !== words.length * d
    ) {
      throw siftError("MODEL_SPEC_INVALID", `${prefix}words.json does not match its codes and scales`);
    }
    const int8 = new Int8Array(codes.slice().buffer);
    vectorizer.fitted = buildFitted(words as string[], d, int8, scales);
    return vectorizer;
  }
}
