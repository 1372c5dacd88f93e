/**
 * `packDatabase`: a SQLite file to a seed-format package (gzip tarball holding one base64 file),
 * streamed, with fixed header fields so the same database always gives the same bytes.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import tar from "tar-stream";

export interface PackOptions {
  /** Path of the base64 file inside the archive. Default `data.db.b64`. */
  readonly member?: string;
  /** Base64 line width (a multiple of 4), or 0 for one long line. Default 76, as `base64` writes. */
  readonly wrap?: number;
  readonly mtime?: Date;
}

/** Base64 in lines of `wrap` characters, each ended by "\n". */
class Base64Encoder extends Transform {
  private pending = Buffer.alloc(0);
  private readonly lineBytes: number;
  private readonly width: number;

  constructor(width: number) {
    super();
    this.width = width;
    this.lineBytes = width > 0 ? (width / 4) * 3 : 3 * 65536;
  }

  private encode(bytes: Buffer): string {
    const text = bytes.toString("base64");
    return this.width > 0 ? `${text}\n` : text;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const all = Buffer.concat([this.pending, chunk]);
    const whole = all.length - (all.length % this.lineBytes);
    let out = "";
    for (let at = 0; at < whole; at += this.lineBytes)
      out += this.encode(all.subarray(at, at + this.lineBytes));
    this.pending = all.subarray(whole);
    callback(null, out.length > 0 ? out : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.pending.length > 0 ? this.encode(this.pending) : undefined);
  }
}

/** Length of the base64 text `Base64Encoder` writes for `bytes` bytes. */
export function base64Length(bytes: number, wrap: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return wrap > 0 ? chars + Math.ceil(chars / wrap) : chars;
}

export async function packDatabase(
  dbFile: string,
  outFile: string,
  options: PackOptions = {},
): Promise<void> {
  const wrap = options.wrap ?? 76;
  if (wrap < 0 || wrap % 4 !== 0) throw new RangeError(`wrap must be 0 or a multiple of 4, not ${wrap}`);
  const { size } = await stat(dbFile);
  const pack = tar.pack();
  const entry = pack.entry({
    name: options.member ?? "data.db.b64",
    size: base64Length(size, wrap),
    mode: 0o644,
    mtime: options.mtime ?? new Date(0),
    uid: 0,
    gid: 0,
    uname: "",
    gname: "",
  });
  const temporary = `${outFile}.${process.pid}.tmp`;
  try {
    const writing = pipeline(
      pack as unknown as NodeJS.ReadableStream,
      createGzip({ level: 9 }),
      createWriteStream(temporary),
    );
    await pipeline(
      createReadStream(dbFile),
      new Base64Encoder(wrap),
      entry as unknown as NodeJS.WritableStream,
    );
    pack.finalize();
    await writing;
    await rename(temporary, outFile);
  } finally {
    await rm(temporary, { force: true });
  }
}
