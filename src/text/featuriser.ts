/**
 * Featurisers by spec: `{kind: "tfidf" | "hashing", params}` or a `union` of named parts whose
 * columns are laid side by side (scikit-learn's FeatureUnion / sparse.hstack). Every featuriser
 * takes normalised text, is deterministic, and saves to files that rebuild it exactly.
 */
import { siftError } from "../errors.ts";
import { EmbeddingVectorizer } from "./embedding.ts";
import { HashingVectorizer } from "./hashing.ts";
import { type Csr, type RowBuffer, rowsToCsr } from "./sparse.ts";
import { TfidfVectorizer } from "./tfidf.ts";

/** Structurally the same as learn's ClassifierSpec (text cannot import learn). */
export interface ComponentSpec {
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly parts?: Readonly<Record<string, ComponentSpec>>;
}

/** A contribution to a decision score, named for people (a word rather than a dense column). */
export interface NamedContribution {
  readonly feature: string;
  readonly contribution: number;
}

/** Columns [from, to) whose total contribution `items` splits exactly, e.g. per word. */
export interface ExplainedBlock {
  readonly from: number;
  readonly to: number;
  readonly items: readonly NamedContribution[];
}

export interface Featuriser {
  readonly spec: ComponentSpec;
  readonly cols: number;
  /** Learns vocabularies; returns the same featuriser, now fitted. */
  fit(texts: readonly string[]): Featuriser;
  addRow(text: string, row: RowBuffer, offset: number): void;
  /**
   * z plus the dot product of this text's row with coef (columns from `offset`), added term by
   * term in the order addRow writes them and with the same float32 values: bit for bit what
   * addRow then a dot product over the row give, without building the row. A featuriser may
   * keep its own arrangement of the weights of the `coef` array it was last given, so weights
   * that change are passed as a new array, not written into the old one.
   */
  accumulateDot(text: string, coef: Float64Array, offset: number, z: number): number;
  transform(texts: readonly string[]): Csr;
  /** Readable name with a namespace prefix, e.g. `w:fire`, `c: fir`, `h:1234`. */
  featureName(col: number): string;
  save(prefix: string): Record<string, Uint8Array>;
  /**
   * Dense blocks explained per word instead of per column, given the model's weights over all
   * columns (block columns start at `offset`). Sparse n-gram blocks need no such help: empty.
   */
  explainBlocks(text: string, coef: Float64Array, offset: number): ExplainedBlock[];
}

type Vectorizer = TfidfVectorizer | HashingVectorizer | EmbeddingVectorizer;

function namespaceOf(kind: string, inner: Vectorizer): string {
  if (inner instanceof EmbeddingVectorizer) return "e";
  const analyzer = inner.params.analyzer === "char_wb" ? "c" : "w";
  return kind === "hashing" ? `h${analyzer}` : analyzer;
}

/** A single vectoriser with a namespace for its feature names. */
class Leaf implements Featuriser {
  readonly spec: ComponentSpec;
  readonly inner: Vectorizer;
  private readonly namespace: string;

  constructor(spec: ComponentSpec, inner: Vectorizer) {
    this.inner = inner;
    this.spec = { kind: spec.kind, params: { ...inner.params } };
    this.namespace = namespaceOf(spec.kind, inner);
  }

  get cols(): number {
    return this.inner.cols;
  }

  fit(texts: readonly string[]): Featuriser {
    this.inner.fit(texts);
    return this;
  }

  addRow(text: string, row: RowBuffer, offset: number): void {
    this.inner.addRow(text, row, offset);
  }

  accumulateDot(text: string, coef: Float64Array, offset: number, z: number): number {
    return this.inner.accumulateDot(text, coef, offset, z);
  }

  transform(texts: readonly string[]): Csr {
    return this.inner.transform(texts);
  }

  featureName(col: number): string {
    return `${this.namespace}:${this.inner.featureName(col)}`;
  }

  save(prefix: string): Record<string, Uint8Array> {
    return this.inner.save(prefix);
  }

  explainBlocks(text: string, coef: Float64Array, offset: number): ExplainedBlock[] {
    const inner = this.inner;
    if (!(inner instanceof EmbeddingVectorizer)) return [];
    const to = offset + inner.cols;
    const items = inner
      .wordShares(text, coef.subarray(offset, to))
      .map(({ word, share }) => ({ feature: `${this.namespace}:${word}`, contribution: share }));
    return [{ from: offset, to, items }];
  }
}

export class FeatureUnion implements Featuriser {
  readonly spec: ComponentSpec;
  private readonly names: readonly string[];
  private readonly members: readonly Featuriser[];
  private offsets: Int32Array | null = null;

  constructor(names: readonly string[], members: readonly Featuriser[]) {
    this.names = names;
    this.members = members;
    const parts: Record<string, ComponentSpec> = {};
    names.forEach((name, i) => {
      parts[name] = (members[i] as Featuriser).spec;
    });
    this.spec = { kind: "union", params: {}, parts };
  }

  private layout(): Int32Array {
    if (this.offsets === null) {
      const offsets = new Int32Array(this.members.length + 1);
      this.members.forEach((m, i) => {
        offsets[i + 1] = (offsets[i] as number) + m.cols;
      });
      this.offsets = offsets;
    }
    return this.offsets;
  }

  get cols(): number {
    const offsets = this.layout();
    return offsets[offsets.length - 1] as number;
  }

  fit(texts: readonly string[]): Featuriser {
    for (const m of this.members) m.fit(texts);
    this.offsets = null;
    this.layout();
    return this;
  }

  addRow(text: string, row: RowBuffer, offset: number): void {
    const offsets = this.layout();
    for (let i = 0; i < this.members.length; i++) {
      (this.members[i] as Featuriser).addRow(text, row, offset + (offsets[i] as number));
    }
  }

  accumulateDot(text: string, coef: Float64Array, offset: number, z: number): number {
    const offsets = this.layout();
    let sum = z;
    for (let i = 0; i < this.members.length; i++) {
      sum = (this.members[i] as Featuriser).accumulateDot(text, coef, offset + (offsets[i] as number), sum);
    }
    return sum;
  }

  transform(texts: readonly string[]): Csr {
    return rowsToCsr(texts, this.cols, (text, row) => this.addRow(text, row, 0));
  }

  featureName(col: number): string {
    const offsets = this.layout();
    for (let i = 0; i < this.members.length; i++) {
      if (col < (offsets[i + 1] as number)) {
        return (this.members[i] as Featuriser).featureName(col - (offsets[i] as number));
      }
    }
    return `?${col}`;
  }

  explainBlocks(text: string, coef: Float64Array, offset: number): ExplainedBlock[] {
    const offsets = this.layout();
    return this.members.flatMap((m, i) => m.explainBlocks(text, coef, offset + (offsets[i] as number)));
  }

  save(prefix: string): Record<string, Uint8Array> {
    const files: Record<string, Uint8Array> = {};
    this.names.forEach((name, i) => {
      Object.assign(files, (this.members[i] as Featuriser).save(`${prefix}${name}.`));
    });
    return files;
  }
}

/**
 * A union's parts in name order. The order fixes the column layout, so it must not depend on the
 * key order of the spec object: a spec read back from a manifest (written with sorted keys) must
 * lay out the same columns as the one that was fitted.
 */
function partsOf(spec: ComponentSpec): [string, ComponentSpec][] {
  const entries = Object.entries(spec.parts ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0)
    throw siftError("PARAM_INVALID", "parts", "union", "{}", "a union needs at least one part");
  for (const [name] of entries) {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) {
      throw siftError(
        "PARAM_INVALID",
        "parts",
        "union",
        JSON.stringify(name),
        "part names are 1-40 letters, digits, _ or -",
      );
    }
  }
  return entries;
}

/** A new, unfitted featuriser from its spec (parameters validated now, not at fit). */
export function createFeaturiser(spec: ComponentSpec): Featuriser {
  switch (spec.kind) {
    case "tfidf":
      return new Leaf(spec, new TfidfVectorizer(spec.params));
    case "hashing":
      return new Leaf(spec, new HashingVectorizer(spec.params));
    case "embedding":
      return new Leaf(spec, new EmbeddingVectorizer(spec.params));
    case "union": {
      const entries = partsOf(spec);
      return new FeatureUnion(
        entries.map(([name]) => name),
        entries.map(([, part]) => createFeaturiser(part)),
      );
    }
    default:
      throw siftError(
        "PARAM_INVALID",
        "kind",
        "featuriser",
        JSON.stringify(spec.kind),
        'must be "tfidf", "hashing", "embedding" or "union"',
      );
  }
}

/** Rebuilds a fitted featuriser from its spec and saved files (files named under `prefix`). */
export function loadFeaturiser(
  spec: ComponentSpec,
  files: Readonly<Record<string, Uint8Array>>,
  prefix: string,
): Featuriser {
  switch (spec.kind) {
    case "tfidf":
      return new Leaf(spec, TfidfVectorizer.load(spec.params, files, prefix));
    case "hashing":
      return new Leaf(spec, new HashingVectorizer(spec.params));
    case "embedding":
      return new Leaf(spec, EmbeddingVectorizer.load(spec.params, files, prefix));
    case "union": {
      const entries = partsOf(spec);
      const union = new FeatureUnion(
        entries.map(([name]) => name),
        entries.map(([name, part]) => loadFeaturiser(part, files, `${prefix}${name}.`)),
      );
      return union;
    }
    default:
      throw siftError("MODEL_SPEC_INVALID", `unknown featuriser kind ${JSON.stringify(spec.kind)}`);
  }
}
