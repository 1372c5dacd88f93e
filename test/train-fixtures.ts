/**
 * Small generated training data for the pipeline's integration tests: labelled sentences in the
 * JSONL shape sift reads (`text`, `choose_one`), separable enough to pass the default gates but
 * with label noise so no metric is a flat 1. Seeded: the same arguments give the same file.
 */
import fs from "node:fs";
import path from "node:path";

const DISASTER = [
  "fire",
  "flood",
  "earthquake",
  "evacuate",
  "storm",
  "crash",
  "injured",
  "wildfire",
  "rescue",
  "explosion",
  "collapse",
  "tornado",
];
const EVERYDAY = [
  "movie",
  "pizza",
  "song",
  "game",
  "coffee",
  "party",
  "weekend",
  "shoes",
  "phone",
  "music",
  "beach",
  "homework",
];
const FILLER = [
  "the",
  "a",
  "near",
  "today",
  "downtown",
  "people",
  "just",
  "saw",
  "my",
  "in",
  "on",
  "after",
  "we",
  "big",
];

function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)] as T;
}

export interface GeneratedRow {
  readonly text: string;
  readonly choose_one: string;
}

function sentence(relevant: boolean, tag: string, next: () => number): string {
  const own = relevant ? DISASTER : EVERYDAY;
  const other = relevant ? EVERYDAY : DISASTER;
  const words = [pick(own, next), pick(own, next)];
  for (let k = 0; k < 5; k++) words.push(next() < 0.15 ? pick(other, next) : pick(FILLER, next));
  words.push(tag);
  return words.sort(() => next() - 0.5).join(" ");
}

export function generateRows(count: number, seed: number, noise = 0.06): GeneratedRow[] {
  const next = random(seed);
  const rows: GeneratedRow[] = [];
  for (let i = 0; i < count; i++) {
    const relevant = next() < 0.45;
    const text = sentence(relevant, `n${seed}x${i}`, next);
    const flipped = next() < noise ? !relevant : relevant;
    rows.push({ text, choose_one: flipped ? "Relevant" : "Not Relevant" });
  }
  return rows;
}

export function writeJsonl(file: string, rows: readonly GeneratedRow[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
  return file;
}

export const REPO_ROOT = new URL("..", import.meta.url).pathname;
export const CLI = new URL("../src/cli/main.ts", import.meta.url).pathname;
