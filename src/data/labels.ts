/** Matching label spellings to the canonical three, and the class_label code each one carries. */
import { CANT_DECIDE, type Label, NOT_RELEVANT, RELEVANT } from "./types.ts";

export const LABELS: readonly Label[] = [RELEVANT, NOT_RELEVANT, CANT_DECIDE];

/** `class_label` codes of the seed data. */
export const CLASS_LABEL_CODES: Readonly<Record<Label, number>> = {
  [RELEVANT]: 1,
  [NOT_RELEVANT]: 0,
  [CANT_DECIDE]: 2,
};

/** Case, surrounding and repeated whitespace, and curly apostrophes do not change a label. */
export function labelKey(raw: string): string {
  return raw.trim().replace(/\s+/g, " ").replaceAll("’", "'").toLowerCase();
}

export type LabelMatcher = (raw: string) => Label | null;

/**
 * Builds the label lookup once per run. Without normalisation only exact canonical spellings and
 * exact label-map keys match.
 */
export function labelMatcher(labelMap: Readonly<Record<string, Label>>, normalise: boolean): LabelMatcher {
  const table = new Map<string, Label>();
  const keyOf = normalise ? labelKey : (raw: string) => raw;
  for (const label of LABELS) table.set(keyOf(label), label);
  for (const [spelling, label] of Object.entries(labelMap)) table.set(keyOf(spelling), label);
  const cache = new Map<string, Label | null>();
  return (raw) => {
    let label = cache.get(raw);
    if (label === undefined) {
      label = table.get(keyOf(raw)) ?? null;
      cache.set(raw, label);
    }
    return label;
  };
}
