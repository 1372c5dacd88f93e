/**
 * The default StoreWriter (node:fs, synchronous, fsync on every file and directory) and the mapping
 * of "cannot write" failures, from the file system or from SQLite, to STORE_NOT_WRITABLE.
 */
import fs from "node:fs";
import { isSiftError, type SiftError, siftError } from "../errors.ts";
import type { StoreWriter } from "./types.ts";

export const nodeStoreWriter: StoreWriter = {
  mkdir(path) {
    fs.mkdirSync(path, { recursive: true });
  },
  writeFile(path, data) {
    const fd = fs.openSync(path, "wx");
    try {
      let offset = 0;
      while (offset < data.byteLength) offset += fs.writeSync(fd, data, offset);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  syncDir(path) {
    const fd = fs.openSync(path, "r");
    try {
      fs.fsyncSync(fd);
    } catch (error) {
      // Some platforms cannot fsync a directory; the rename is still atomic there.
      if (!isErrno(error, ["EINVAL", "EISDIR", "EPERM"])) throw error;
    } finally {
      fs.closeSync(fd);
    }
  },
  rename(from, to) {
    fs.renameSync(from, to);
  },
  remove(path) {
    fs.rmSync(path, { recursive: true, force: true });
  },
};

const NOT_WRITABLE_ERRNO = ["ENOSPC", "EROFS", "EACCES", "EPERM", "EDQUOT", "EFBIG"];
/** SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN and SQLITE_FULL (primary result codes). */
const NOT_WRITABLE_SQLITE = new Set([8, 10, 13, 14]);

/** Maps a write failure to STORE_NOT_WRITABLE; leaves sift errors alone; anything else is a bug. */
export function storeWriteError(root: string, error: unknown): SiftError {
  if (isSiftError(error)) return error;
  if (isErrno(error, NOT_WRITABLE_ERRNO) || isSqliteNotWritable(error)) {
    return siftError("STORE_NOT_WRITABLE", root, describeError(error));
  }
  return siftError("INTERNAL", describeError(error));
}

export function isErrno(error: unknown, codes: readonly string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && codes.includes(code);
}

function isSqliteNotWritable(error: unknown): boolean {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  return typeof errcode === "number" && NOT_WRITABLE_SQLITE.has(errcode & 0xff);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
