/**
 * Which of the candidate's test rows the champion/challenger comparison may use: the rows the
 * production model was neither fitted nor tuned on. A model scored on its own training rows looks
 * better than it is, and the split does not keep a sentence on the same side when the data grows,
 * so without this the incumbent wins on rows it memorised.
 */
import { hasHash, keyHash } from "./seen-keys.ts";

/** Fewest rows of each class a comparison needs: F1 and recall of a class seen 1–4 times are noise. */
export const MIN_ROWS_PER_CLASS = 5;

export type RowChoice =
  /** Rows the champion never saw, enough of them to compare. */
  | { readonly kind: "unseen"; readonly indices: Int32Array; readonly total: number }
  /** The champion's artifact does not say what it saw (older format): every row. */
  | { readonly kind: "all"; readonly total: number }
  /** Too few unseen rows to compare fairly. */
  | {
      readonly kind: "too-few";
      readonly total: number;
      readonly rows: number;
      readonly positives: number;
    };

export interface RowChoiceInput {
  /** Normalised keys of the candidate's test rows. */
  readonly keys: readonly string[];
  /** Their binary targets, in the same order. */
  readonly y: Uint8Array;
  /** The champion's seen-key hashes, or null when its artifact does not record them. */
  readonly seen: BigUint64Array | null;
  /** Fewest unseen rows to compare on (besides MIN_ROWS_PER_CLASS of each class). */
  readonly minRows: number;
}

export function chooseChampionRows(input: RowChoiceInput): RowChoice {
  const total = input.keys.length;
  if (input.seen === null) return { kind: "all", total };
  const seen = input.seen;
  const indices: number[] = [];
  let positives = 0;
  input.keys.forEach((key, i) => {
    if (hasHash(seen, keyHash(key))) return;
    indices.push(i);
    positives += input.y[i] as number;
  });
  const negatives = indices.length - positives;
  if (indices.length < input.minRows || positives < MIN_ROWS_PER_CLASS || negatives < MIN_ROWS_PER_CLASS)
    return { kind: "too-few", total, rows: indices.length, positives };
  return { kind: "unseen", indices: Int32Array.from(indices), total };
}
