/**
 * Signed hashing vectoriser (scikit-learn's HashingVectorizer): a term goes to bucket
 * |murmur3(term)| mod nFeatures with sign −1 when the hash is negative (alternateSign), so
 * collisions cancel in expectation. No vocabulary to learn or store: fit-free, for unbounded
 * vocabularies and streams. Feature names are the bucket numbers (`h:1234`).
 */
import { siftError } from "../errors.ts";
import type { Analyzer } from "./analyzers.ts";
import { DEFAULT_TOKEN_PATTERN, tokenPatternProblem } from "./analyzers.ts";
import { murmur3Utf8 } from "./murmur3.ts";
import { type ParamsOf, validateParams } from "./params.ts";
import { type Csr, dotRow, normaliseBlock, RowBuffer, rowsToCsr } from "./sparse.ts";
import { makeAnalyzer } from "./tfidf.ts";

export const hashingSchema = {
  analyzer: { type: "enum", values: ["word", "char_wb"], default: "word" },
  ngramRange: { type: "range", default: [1, 1], min: 1, max: 8 },
  tokenPattern: { type: "string", default: DEFAULT_TOKEN_PATTERN, check: tokenPatternProblem },
  /** Number of buckets: a power of two from 2^18 to 2^24. */
  nFeatures: { type: "number", default: 2 ** 20, min: 2 ** 18, max: 2 ** 24, integer: true },
  alternateSign: { type: "boolean", default: true },
  binary: { type: "boolean", default: false },
  norm: { type: "enum", values: ["l2", "l1", "none"], default: "l2" },
} as const;

export type HashingParams = ParamsOf<typeof hashingSchema>;

export class HashingVectorizer {
  readonly params: HashingParams;
  private readonly analyzer: Analyzer;
  private readonly bucket = new Map<number, number>();
  /** One row at a time for accumulateDot (reused). */
  private readonly scratchRow = new RowBuffer();

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    const p = validateParams("HashingVectorizer", hashingSchema, params);
    if ((p.nFeatures & (p.nFeatures - 1)) !== 0) {
      throw siftError(
        "PARAM_INVALID",
        "nFeatures",
        "HashingVectorizer",
        p.nFeatures,
        "must be a power of two",
      );
    }
    this.params = p;
    this.analyzer = makeAnalyzer(p);
  }

  get cols(): number {
    return this.params.nFeatures;
  }

  /** Stateless: fitting only exists so a union can treat every featuriser alike. */
  fit(_texts: readonly string[]): this {
    return this;
  }

  addRow(text: string, row: RowBuffer, offset: number): void {
    const p = this.params;
    const bucket = this.bucket;
    bucket.clear();
    for (const term of this.analyzer.terms(text)) {
      const h = murmur3Utf8(term, 0);
      const col = Math.abs(h) % p.nFeatures;
      const sign = p.alternateSign && h < 0 ? -1 : 1;
      bucket.set(col, (bucket.get(col) ?? 0) + sign);
    }
    // Ascending columns, so equal texts give equal rows whatever the term order.
    const cols = Int32Array.from(bucket.keys()).sort();
    const start = row.length;
    for (const col of cols) {
      const raw = bucket.get(col) as number;
      if (raw !== 0) row.push(col + offset, p.binary ? Math.sign(raw) : raw);
    }
    normaliseBlock(row, start, p.norm);
  }

  /** z plus this text's row · coef[offset…] (see Featuriser.accumulateDot). */
  accumulateDot(text: string, coef: Float64Array, offset: number, z: number): number {
    const row = this.scratchRow;
    row.clear();
    this.addRow(text, row, offset);
    return dotRow(row, 0, coef, z);
  }

  transform(texts: readonly string[]): Csr {
    return rowsToCsr(texts, this.cols, (text, row) => this.addRow(text, row, 0));
  }

  fitTransform(texts: readonly string[]): Csr {
    return this.transform(texts);
  }

  featureName(col: number): string {
    return String(col);
  }

  save(_prefix: string): Record<string, Uint8Array> {
    return {};
  }
}
