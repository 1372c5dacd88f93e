/**
 * MurmurHash3 x86_32 over the UTF-8 bytes of a string, as scikit-learn's HashingVectorizer uses
 * (`sklearn.utils.murmurhash3_32(term, seed, positive=False)`), so hashed features match it.
 * Bytes are produced from the UTF-16 code units on the fly: no encoder, no allocation.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixBlock(h: number, k: number): number {
  let block = Math.imul(k, C1);
  block = (block << 15) | (block >>> 17);
  block = Math.imul(block, C2);
  let out = h ^ block;
  out = (out << 13) | (out >>> 19);
  return (Math.imul(out, 5) + 0xe6546b64) | 0;
}

/** The final avalanche of MurmurHash3 (also used elsewhere to spread table slots). */
export function fmix32(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Streams UTF-8 bytes into 4-byte little-endian blocks. */
class Utf8Murmur {
  h: number;
  block = 0;
  filled = 0;
  length = 0;

  constructor(seed: number) {
    this.h = seed | 0;
  }

  byte(b: number): void {
    this.block |= b << (8 * this.filled);
    this.filled++;
    this.length++;
    if (this.filled === 4) {
      this.h = mixBlock(this.h, this.block);
      this.block = 0;
      this.filled = 0;
    }
  }

  codePoint(cp: number): void {
    if (cp < 0x80) {
      this.byte(cp);
    } else if (cp < 0x800) {
      this.byte(0xc0 | (cp >> 6));
      this.byte(0x80 | (cp & 63));
    } else if (cp < 0x10000) {
      this.byte(0xe0 | (cp >> 12));
      this.byte(0x80 | ((cp >> 6) & 63));
      this.byte(0x80 | (cp & 63));
    } else {
      this.byte(0xf0 | (cp >> 18));
      this.byte(0x80 | ((cp >> 12) & 63));
      this.byte(0x80 | ((cp >> 6) & 63));
      this.byte(0x80 | (cp & 63));
    }
  }

  finish(): number {
    let h = this.h;
    if (this.filled > 0) {
      let k = Math.imul(this.block, C1);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, C2);
    }
    return fmix32(h ^ this.length);
  }
}

/**
 * Signed 32-bit MurmurHash3 of `text`'s UTF-8 encoding. A lone surrogate is encoded as U+FFFD,
 * as Python's "surrogatepass"-free encoders would refuse it; sift never fails on odd input.
 */
export function murmur3Utf8(text: string, seed = 0): number {
  const m = new Utf8Murmur(seed);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        m.codePoint(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
        i++;
        continue;
      }
    }
    m.codePoint(c >= 0xd800 && c <= 0xdfff ? 0xfffd : c);
  }
  return m.finish();
}
