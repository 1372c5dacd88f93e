/**
 * Scratch memory handed from one step of a run to the next. The steps after a large read (dedupe,
 * fingerprint, split) each sort a million rows in typed arrays of a few megabytes, and a run's
 * memory peaks in the last of them: an array the step before dropped is garbage that V8 has not
 * collected yet (nothing makes it collect then), so a new one adds to the peak. A step releases
 * the buffers it is done with here; a later step takes one back while it has not been collected.
 * Released buffers are held weakly: this keeps nothing alive.
 */
const released: WeakRef<ArrayBuffer>[] = [];

/** Bytes below which buffers are not worth pooling (allocating them costs nothing that matters). */
const SMALL = 1 << 16;

/** A buffer of at least `bytes` (contents undefined: the caller writes before it reads). */
export function scratchBuffer(bytes: number): ArrayBuffer {
  let best = -1;
  let bestSize = Number.POSITIVE_INFINITY;
  for (let i = released.length - 1; i >= 0; i--) {
    const buffer = (released[i] as WeakRef<ArrayBuffer>).deref();
    if (buffer === undefined) released.splice(i, 1);
    else if (buffer.byteLength >= bytes && buffer.byteLength < bestSize) {
      [best, bestSize] = [i, buffer.byteLength];
    }
  }
  if (bytes < SMALL || best < 0) return new ArrayBuffer(bytes);
  const [taken] = released.splice(best, 1);
  return (taken as WeakRef<ArrayBuffer>).deref() as ArrayBuffer;
}

/** Hands `array`'s buffer back: the caller and everything it gave the array to are done with it. */
export function releaseScratch(array: ArrayBufferView): void {
  const { buffer } = array;
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength < SMALL) return;
  if (released.some((ref) => ref.deref() === buffer)) return;
  released.push(new WeakRef(buffer));
}
