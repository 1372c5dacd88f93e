/**
 * Decodes a seed package (gzip → tar → one base64 file → SQLite) by streaming into a file the
 * caller names, so a package of any size needs only a few chunks of memory. On any failure the
 * file is removed and a catalogued DATA_* error says what is wrong with the package.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { SiftError, siftError } from "../errors.ts";
import { Base64Decoder, Base64Error } from "./base64-decoder.ts";
import { EmptyPayloadError, NotSqliteError, SqliteHeaderCheck } from "./sqlite-header.ts";

export interface DecodedPackage {
  /** Path of the base64 file inside the archive. */
  readonly member: string;
  /** sha256 of the decoded database, hex; "" when not asked for. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface DecodeOptions {
  /** Hash the decoded database (`sift data unpack` prints it; a reader does not need it). Default true. */
  readonly hash?: boolean;
}

/**
 * Read and inflate in large chunks: the defaults (64 KiB reads, 16 KiB inflated chunks) mean tens
 * of thousands of stream callbacks and file writes for a large package.
 */
const READ_CHUNK = 1 << 20;
const INFLATE_CHUNK = 256 << 10;

const GZIP_MAGIC = [0x1f, 0x8b];

export async function hasGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** True when a member name would escape the directory it is extracted to. */
export function isUnsafeMemberName(name: string): boolean {
  return (
    name.startsWith("/") ||
    name.startsWith("\\") ||
    /^[A-Za-z]:/.test(name) ||
    name.split(/[\\/]/).includes("..")
  );
}

const REGULAR = new Set(["file", "contiguous-file"]);

interface Progress {
  sawEntry: boolean;
  member: string;
}

export async function decodePackage(
  packagePath: string,
  outFile: string,
  options: DecodeOptions = {},
): Promise<DecodedPackage> {
  if (!(await hasGzipMagic(packagePath))) throw siftError("DATA_NOT_GZIP", packagePath);
  const progress: Progress = { sawEntry: false, member: "" };
  try {
    return await extractSingleMember(packagePath, outFile, progress, options.hash ?? true);
  } catch (error) {
    await rm(outFile, { force: true });
    throw packageError(error, packagePath, progress);
  }
}

async function extractSingleMember(
  packagePath: string,
  outFile: string,
  progress: Progress,
  hash: boolean,
): Promise<DecodedPackage> {
  const extract = tar.extract();
  const feeding = pipeline(
    createReadStream(packagePath, { highWaterMark: READ_CHUNK }),
    createGunzip({ chunkSize: INFLATE_CHUNK }),
    extract,
  );
  // The loop below sees the same error through `extract`; this keeps it from going unhandled.
  feeding.catch(() => undefined);
  const names: string[] = [];
  let decoded: DecodedPackage | undefined;
  for await (const entry of extract) {
    progress.sawEntry = true;
    const { name, type } = entry.header;
    if (!REGULAR.has(type ?? "file")) {
      entry.resume();
      continue;
    }
    names.push(name);
    if (names.length > 1) {
      entry.resume();
      continue;
    }
    if (isUnsafeMemberName(name)) throw siftError("DATA_UNSAFE_PATH", name);
    progress.member = name;
    // tar-stream's entries are streamx streams: Node's pipeline drives them, its types do not say so.
    decoded = await decodeMember(entry as unknown as NodeJS.ReadableStream, name, outFile, hash);
  }
  await feeding;
  if (names.length === 0 || decoded === undefined) throw siftError("DATA_NO_FILE", packagePath);
  if (names.length > 1) throw siftError("DATA_MANY_FILES", packagePath, names.length, names.join(", "));
  return decoded;
}

async function decodeMember(
  entry: NodeJS.ReadableStream,
  member: string,
  outFile: string,
  hashing: boolean,
): Promise<DecodedPackage> {
  const check = new SqliteHeaderCheck();
  // "wx": never overwrite; the caller hands us a fresh temporary name.
  const out = createWriteStream(outFile, { flags: "wx", highWaterMark: READ_CHUNK });
  if (!hashing) {
    await pipeline(entry, new Base64Decoder(), check, out);
    return { member, sha256: "", bytes: check.bytes };
  }
  const hash = createHash("sha256");
  const tap = new PassThrough({ highWaterMark: READ_CHUNK });
  tap.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(entry, new Base64Decoder(), check, tap, out);
  return { member, sha256: hash.digest("hex"), bytes: check.bytes };
}

function packageError(error: unknown, packagePath: string, progress: Progress): unknown {
  if (error instanceof SiftError) return error;
  if (error instanceof Base64Error)
    return siftError("DATA_NOT_BASE64", progress.member, packagePath, error.message);
  if (error instanceof EmptyPayloadError) return siftError("DATA_EMPTY_FILE", progress.member, packagePath);
  if (error instanceof NotSqliteError) {
    return siftError("DATA_NOT_SQLITE", `The file ${progress.member} inside ${packagePath}`, error.header);
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("Z_"))
    return siftError("DATA_TRUNCATED", packagePath, message);
  if (/tar|end of data/i.test(message)) {
    return progress.sawEntry
      ? siftError("DATA_TRUNCATED", packagePath, message)
      : siftError("DATA_NOT_TAR", packagePath);
  }
  return error;
}
