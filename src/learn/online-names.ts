/**
 * Readable names for hashed features. A hashing featuriser keeps no vocabulary, so its own names
 * are bucket numbers (`hw:83121`). At explain time the sentence is at hand, though: hashing its
 * terms again tells which of them landed in each bucket, so explanations can say `hw:fire`
 * instead. The bucket layout below mirrors the text module's (|murmur3(term)| mod nFeatures,
 * union parts side by side in spec order); a test pins the two together.
 */
import {
  CharWbAnalyzer,
  type ComponentSpec,
  HashingVectorizer,
  murmur3Utf8,
  WordAnalyzer,
} from "../text/index.ts";

interface HashedLeaf {
  readonly offset: number;
  readonly nFeatures: number;
  /** `hw` or `hc`, as the text module prefixes hashed word and char_wb features. */
  readonly namespace: string;
  readonly analyzer: WordAnalyzer | CharWbAnalyzer;
}

function collectLeaves(spec: ComponentSpec, offset: number, out: HashedLeaf[]): number {
  if (spec.kind === "union") {
    let at = offset;
    for (const part of Object.values(spec.parts ?? {})) at = collectLeaves(part, at, out);
    return at;
  }
  const p = new HashingVectorizer(spec.params).params;
  const [lo, hi] = p.ngramRange;
  const charWb = p.analyzer === "char_wb";
  out.push({
    offset,
    nFeatures: p.nFeatures,
    namespace: charWb ? "hc" : "hw",
    analyzer: charWb ? new CharWbAnalyzer(lo, hi) : new WordAnalyzer(p.tokenPattern, lo, hi),
  });
  return offset + p.nFeatures;
}

export class HashedTermNames {
  private readonly leaves: readonly HashedLeaf[];

  /** `features` is a hashing featuriser's spec or a union of them (already validated). */
  constructor(features: ComponentSpec) {
    const leaves: HashedLeaf[] = [];
    collectLeaves(features, 0, leaves);
    this.leaves = leaves;
  }

  /** Column → name for every bucket a term of `text` (normalised) hashes to. */
  namesOf(text: string): Map<number, string> {
    const terms = new Map<number, string[]>();
    for (const leaf of this.leaves) {
      for (const term of leaf.analyzer.terms(text)) {
        const col = leaf.offset + (Math.abs(murmur3Utf8(term, 0)) % leaf.nFeatures);
        const known = terms.get(col);
        if (known === undefined) terms.set(col, [term]);
        else if (!known.includes(term)) known.push(term);
      }
    }
    const names = new Map<number, string>();
    for (const [col, list] of terms) names.set(col, `${this.namespaceOf(col)}:${list.sort().join("|")}`);
    return names;
  }

  private namespaceOf(col: number): string {
    for (const leaf of this.leaves) if (col < leaf.offset + leaf.nFeatures) return leaf.namespace;
    return "h";
  }
}
