/**
 * Chunk results crossing from the worker in shared memory: a few slots of one SharedArrayBuffer
 * the main thread allocates once. The worker writes a chunk's columns and its texts and keys (as
 * Latin-1 bytes, or UTF-16 for the few that need it) into a free slot and posts only the slot's
 * number; the main thread turns the slot back into a chunk when it merges it, then frees the slot.
 * Posting the chunks as messages (half a megabyte or more each, allocated by the worker and freed
 * here) cost ~0.65 s of deserialisation on this thread per million rows and left the worker's
 * malloc arena larger (higher peak RSS); the slots cost their fixed size.
 */
import { type ChunkColumns, type ChunkResult, columnViews, RAW_NULL } from "./chunk-read.ts";
import type { TallySnapshot } from "./step-report.ts";

/** Slots: how many chunks the worker may have waiting for the main thread. */
export const SLOTS = 4;
/** Bytes of texts and keys per slot (4,096 rows of texts up to ~180 characters); a chunk that needs more is posted whole. */
const CHAR_BYTES = 3 << 19;

/** Slots of the shared counters: the next chunk to take, messages posted, slots released, then each slot's state. */
export const NEXT_CHUNK = 0;
export const POSTED = 1;
export const RELEASED = 2;
const SLOT_STATE = 3;
export const COUNTERS = SLOT_STATE + SLOTS;

/** `ChunkResult.state` bits that only the slots use: the text, or the key, is stored as UTF-16. */
const TEXT_WIDE = 4;
const KEY_WIDE = 8;
const RAW_BITS = 3;
/** Characters that Latin-1 bytes cannot hold. */
const WIDE = /[\u0100-\uffff]/;

interface SlotViews {
  readonly keyHashes: Uint32Array;
  readonly rawLengths: Uint32Array;
  readonly textEnds: Uint32Array;
  readonly keyEnds: Uint32Array;
  readonly classLabels: Float64Array;
  readonly labels: Uint16Array;
  readonly state: Uint8Array;
  readonly chars: Buffer;
}

function slotBytes(capacity: number): number {
  return Math.ceil((27 * capacity) / 8) * 8 + CHAR_BYTES;
}

/** The memory the slots live in, for chunks of at most `capacity` rows. */
export function slotMemory(capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * slotBytes(capacity));
}

/** The slots over `memory` (made by `slotMemory` with the same capacity); both threads make one. */
export class ChunkSlots {
  private readonly slots: SlotViews[] = [];
  private readonly counters: Int32Array;

  constructor(memory: SharedArrayBuffer, capacity: number, counters: Int32Array) {
    this.counters = counters;
    const size = slotBytes(capacity);
    for (let s = 0; s < SLOTS; s++) {
      const at = s * size;
      this.slots.push({
        keyHashes: new Uint32Array(memory, at, capacity),
        rawLengths: new Uint32Array(memory, at + 4 * capacity, capacity),
        textEnds: new Uint32Array(memory, at + 8 * capacity, capacity),
        keyEnds: new Uint32Array(memory, at + 12 * capacity, capacity),
        classLabels: new Float64Array(memory, at + 16 * capacity, capacity),
        labels: new Uint16Array(memory, at + 24 * capacity, capacity),
        state: new Uint8Array(memory, at + 26 * capacity, capacity),
        chars: Buffer.from(memory, size * s + size - CHAR_BYTES, CHAR_BYTES),
      });
    }
  }

  /** Worker side: a free slot, waiting for the main thread to free one if none is. */
  acquire(): number {
    for (;;) {
      const released = Atomics.load(this.counters, RELEASED);
      for (let s = 0; s < SLOTS; s++) {
        if (Atomics.compareExchange(this.counters, SLOT_STATE + s, 0, 1) === 0) return s;
      }
      Atomics.wait(this.counters, RELEASED, released);
    }
  }

  /** Main side: slot `s` is free again. */
  release(s: number): void {
    Atomics.store(this.counters, SLOT_STATE + s, 0);
    Atomics.add(this.counters, RELEASED, 1);
    Atomics.notify(this.counters, RELEASED);
  }

  /** Worker side: slot `s`'s columns for a chunk of `n` rows, zeroed, for ChunkReader to fill. */
  columns(s: number, n: number): ChunkColumns {
    return columnViews(this.slots[s] as SlotViews, n);
  }

  /**
   * Worker side: writes the texts and keys of `chunk` (read into slot `s`'s columns) into the slot;
   * false, with the columns as they were, when they do not fit.
   */
  writeTexts(s: number, chunk: ChunkResult): boolean {
    const slot = this.slots[s] as SlotViews;
    const { chars, state } = slot;
    let at = 0;
    const put = (text: string, wide: boolean): boolean => {
      const need = wide ? 2 * text.length : text.length;
      if (at + need > chars.length) return false;
      at += chars.write(text, at, wide ? "utf16le" : "latin1");
      return true;
    };
    for (let i = 0; i < chunk.rows; i++) {
      const text = chunk.texts[i] ?? null;
      const key = chunk.keys[i] as string;
      const wide = text !== null && WIDE.test(text);
      const wideKey = WIDE.test(key);
      const fits = text === null || put(text, wide);
      slot.textEnds[i] = at;
      if (!fits || !put(key, wideKey)) {
        for (let j = 0; j < i; j++) state[j] = (state[j] as number) & RAW_BITS;
        return false;
      }
      slot.keyEnds[i] = at;
      state[i] = (state[i] as number) | (wide ? TEXT_WIDE : 0) | (wideKey ? KEY_WIDE : 0);
    }
    return true;
  }

  /**
   * Main side: the chunk in slot `s` (its typed arrays are views of the slot: use it before
   * releasing the slot).
   */
  read(s: number, rows: number, labelNames: string[], tallies: TallySnapshot[]): ChunkResult {
    const slot = this.slots[s] as SlotViews;
    const { chars, state } = slot;
    const texts: (string | null)[] = new Array(rows);
    const keys: string[] = new Array(rows);
    let start = 0;
    for (let i = 0; i < rows; i++) {
      const bits = state[i] as number;
      const textEnd = slot.textEnds[i] as number;
      const keyEnd = slot.keyEnds[i] as number;
      if ((bits & RAW_BITS) === RAW_NULL) texts[i] = null;
      else texts[i] = chars.toString((bits & TEXT_WIDE) === 0 ? "latin1" : "utf16le", start, textEnd);
      keys[i] = chars.toString((bits & KEY_WIDE) === 0 ? "latin1" : "utf16le", textEnd, keyEnd);
      state[i] = bits & RAW_BITS;
      start = keyEnd;
    }
    return {
      rows,
      texts,
      keys,
      keyHashes: slot.keyHashes.subarray(0, rows),
      state: state.subarray(0, rows),
      rawLengths: slot.rawLengths.subarray(0, rows),
      labels: slot.labels.subarray(0, rows),
      labelNames,
      classLabels: slot.classLabels.subarray(0, rows),
      tallies,
    };
  }
}
