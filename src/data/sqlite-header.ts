/** The 16-byte magic every SQLite 3 database starts with, and a stream check for it. */
import { Transform, type TransformCallback } from "node:stream";

export const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

export function isSqliteHeader(bytes: Uint8Array): boolean {
  return (
    bytes.length >= SQLITE_HEADER.length && SQLITE_HEADER.equals(bytes.subarray(0, SQLITE_HEADER.length))
  );
}

/** A short printable rendering of a file's first bytes, for error messages. */
export function describeHeader(bytes: Uint8Array): string {
  if (bytes.length === 0) return "empty";
  const shown = Array.from(bytes.subarray(0, 16), (b) =>
    b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`,
  );
  return JSON.stringify(shown.join(""));
}

export class NotSqliteError extends Error {
  readonly header: string;
  constructor(header: string) {
    super(`not a SQLite database (header ${header})`);
    this.name = "NotSqliteError";
    this.header = header;
  }
}

export class EmptyPayloadError extends Error {
  constructor() {
    super("no bytes after decoding");
    this.name = "EmptyPayloadError";
  }
}

/**
 * Passes bytes through once the first 16 are the SQLite magic; fails fast otherwise, so a wrong
 * payload stops after one chunk instead of being written out in full.
 */
export class SqliteHeaderCheck extends Transform {
  private head: Buffer = Buffer.alloc(0);
  private checked = false;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.checked) {
      callback(null, chunk);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < SQLITE_HEADER.length) {
      callback();
    } else if (isSqliteHeader(this.head)) {
      this.checked = true;
      const all = this.head;
      this.head = Buffer.alloc(0);
      callback(null, all);
    } else {
      callback(new NotSqliteError(describeHeader(this.head)));
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.checked) callback();
    else
      callback(
        this.head.length === 0 ? new EmptyPayloadError() : new NotSqliteError(describeHeader(this.head)),
      );
  }
}
