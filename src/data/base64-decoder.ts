/**
 * A streaming base64 decoder that also validates: line breaks and spaces at any width (or none)
 * are skipped, anything outside the alphabet is an error naming the byte and its offset. Node's
 * own `Buffer.from(s, "base64")` silently skips bad characters, which would turn a wrong file into
 * a wrong database instead of a clear error.
 */
import { Transform, type TransformCallback } from "node:stream";

const WHITESPACE = 1;
const ALPHABET = 2;
const PAD = 3;

const CLASS = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  CLASS[c.charCodeAt(0)] = ALPHABET;
for (const c of " \t\r\n\f\v") CLASS[c.charCodeAt(0)] = WHITESPACE;
CLASS["=".charCodeAt(0)] = PAD;

/** Only the alphabet (a few characters carried to the next chunk). */
const ALPHABET_ONLY = /^[A-Za-z0-9+/]*$/;

/** Anything but the alphabet and whitespace (padding included: the slow path counts it). */
const NOT_BODY = /[^A-Za-z0-9+/ \t\r\n\f\v]/;
const SPACES = /[ \t\r\n\f\v]+/g;

/** Raised for input that is not base64; the package reader maps it to DATA_NOT_BASE64. */
export class Base64Error extends Error {
  readonly offset: number;
  constructor(reason: string, offset: number) {
    super(`${reason} at byte ${offset}`);
    this.name = "Base64Error";
    this.offset = offset;
  }
}

function describeByte(byte: number): string {
  const printable = byte >= 0x21 && byte < 0x7f;
  return printable ? `'${String.fromCharCode(byte)}'` : `0x${byte.toString(16).padStart(2, "0")}`;
}

export class Base64Decoder extends Transform {
  /** Alphabet characters not yet decoded (fewer than 4 kept between chunks). */
  private carry = "";
  private offset = 0;
  private padding = 0;
  /** Number of alphabet and pad characters seen: a valid stream has a multiple of 4. */
  private symbols = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = chunk.toString("latin1");
    const decoded = this.padding === 0 ? this.decodeLines(text) : null;
    if (decoded !== null) {
      callback(null, decoded);
      return;
    }
    // Fast path for the chunks of a valid body (all but the last): only the alphabet and line
    // breaks, checked and stripped by the regex engine instead of a loop over every byte.
    const compact =
      this.padding === 0 && !NOT_BODY.test(text) ? text.replace(SPACES, "") : this.compactSlowly(chunk);
    if (compact instanceof Base64Error) {
      callback(compact);
      return;
    }
    this.offset += chunk.length;
    this.symbols += compact.length;
    const all = this.carry + compact;
    const whole = all.length - (all.length % 4);
    this.carry = all.slice(whole);
    callback(null, whole > 0 ? Buffer.from(all.slice(0, whole), "base64") : undefined);
  }

  /**
   * The fastest path, for a chunk of the alphabet and line feeds only (every chunk of a valid body
   * wrapped with LF, or not wrapped, but the last): decoded by Node as it is, line feeds and all,
   * without a regex over the text — and checked by the decoded length, since Node skips what is not
   * base64 where this decoder must refuse it: with n symbols (n a multiple of 4) and anything
   * skipped, fewer than 3n/4 bytes come out. Node also takes the URL-safe `-` and `_`, and `=`
   * needs the padding rules: chunks with those go the careful way. Null when the chunk is not
   * such a chunk (nothing is changed then).
   */
  private decodeLines(text: string): Buffer | undefined | null {
    if (text.includes("=") || text.includes("-") || text.includes("_")) return null;
    let feeds = 0;
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) feeds++;
    const symbols = text.length - feeds;
    const all = this.carry.length + symbols;
    // The last `all % 4` symbols wait for the next chunk: find where they start.
    let cut = text.length;
    for (let rest = all % 4; rest > 0 && cut > 0; ) if (text.charCodeAt(--cut) !== 0x0a) rest--;
    const carry = text.slice(cut).replaceAll("\n", "");
    if (carry.length !== all % 4 || !ALPHABET_ONLY.test(carry)) return null;
    const whole = all - carry.length;
    const decoded = whole > 0 ? Buffer.from(this.carry + text.slice(0, cut), "base64") : undefined;
    if ((decoded?.length ?? 0) !== (whole / 4) * 3) return null;
    this.offset += text.length;
    this.symbols += symbols;
    this.carry = carry;
    return decoded;
  }

  /** Byte by byte, for padding and errors: the chunk's alphabet characters, or what is wrong. */
  private compactSlowly(chunk: Buffer): string | Base64Error {
    const compact = Buffer.allocUnsafe(chunk.length);
    let length = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      const kind = CLASS[byte];
      if (kind === ALPHABET && this.padding === 0) {
        compact[length++] = byte;
        continue;
      }
      if (kind === WHITESPACE) continue;
      if (kind === PAD && this.padding < 2) {
        this.padding++;
        continue;
      }
      return new Base64Error(this.reasonFor(byte, kind), this.offset + i);
    }
    return compact.toString("latin1", 0, length);
  }

  private reasonFor(byte: number, kind: number | undefined): string {
    if (kind === PAD) return "more than two '=' padding characters";
    if (kind === ALPHABET) return "data after '=' padding";
    return `character ${describeByte(byte)}`;
  }

  override _flush(callback: TransformCallback): void {
    // Padding may be omitted, but a lone trailing symbol, or padding that does not complete the
    // last quantum, means the text was cut short.
    const rest = this.symbols % 4;
    if (this.padding > 0 ? rest + this.padding !== 4 : rest === 1) {
      callback(new Base64Error("the text ends mid-quantum (truncated?)", this.offset));
    } else {
      callback(null, this.carry.length > 0 ? Buffer.from(this.carry, "base64") : undefined);
    }
  }
}
