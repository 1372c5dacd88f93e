/** Tells a source's format from its first bytes, never from its file name. */
import { open } from "node:fs/promises";
import { siftError } from "../errors.ts";
import { isSqliteHeader } from "./sqlite-header.ts";
import type { SourceFormat } from "./types.ts";

const SNIFF_BYTES = 64 * 1024;

export function formatOf(head: Uint8Array, source: string): SourceFormat {
  if (head.length === 0) throw siftError("DATA_NO_ROWS", source);
  if (head[0] === 0x1f && head[1] === 0x8b) return "package";
  if (isSqliteHeader(head)) return "sqlite";
  // Text formats never hold NUL bytes; a binary file is neither CSV nor JSONL.
  if (head.includes(0)) throw siftError("DATA_UNKNOWN_FORMAT", source);
  const text = Buffer.from(head)
    .toString("latin1")
    .replace(/^\xef\xbb\xbf/, "");
  const first = /\S/.exec(text);
  return first?.[0] === "{" ? "jsonl" : "csv";
}

export async function detectFormat(path: string): Promise<SourceFormat> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return formatOf(head.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}
