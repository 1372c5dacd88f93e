/**
 * The single-file form of an artifact, for transport: a gzip tarball holding manifest.json first and
 * then the listed files in sorted order, with fixed owner, mode and mtime (the manifest's createdAt),
 * so the same artifact always packs to the same bytes. Unpacking happens in memory and is fully
 * verified before the caller writes anything; members that are not plain files, or whose path is
 * absolute or climbs with "..", are refused.
 */
import zlib from "node:zlib";
import tar from "tar-stream";
import { isSiftError, siftError } from "../errors.ts";
import { filePathProblem, MANIFEST_FILE, parseManifest, serializeManifest } from "./artifact-manifest.ts";
import { verifyArtifactFiles } from "./artifact-verify.ts";
import type { Manifest } from "./types.ts";

/** Refuses archives that would inflate past this (a gzip bomb), whatever their headers claim. */
const MAX_UNPACKED_BYTES = 2 ** 30;
const MAX_MEMBERS = 10_000;
/** Fixed, so output is reproducible; weights barely compress, so a higher level only costs time. */
const GZIP_LEVEL = 6;

export interface ArtifactContent {
  readonly manifest: Manifest;
  readonly files: Readonly<Record<string, Uint8Array>>;
}

export async function packArtifact(artifact: ArtifactContent): Promise<Uint8Array> {
  const mtime = new Date(Math.floor(Date.parse(artifact.manifest.createdAt) / 1000) * 1000);
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = new Promise<void>((resolve, reject) => {
    pack.on("data", (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const add = (name: string, data: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const header = {
        name,
        size: data.byteLength,
        mode: 0o644,
        mtime,
        uid: 0,
        gid: 0,
        uname: "",
        gname: "",
      };
      pack.entry({ ...header, type: "file" }, data, (error) => (error ? reject(error) : resolve()));
    });
  await add(MANIFEST_FILE, serializeManifest(artifact.manifest));
  for (const name of Object.keys(artifact.manifest.files).sort()) {
    await add(name, artifact.files[name] ?? new Uint8Array(0));
  }
  pack.finalize();
  await collected;
  return new Uint8Array(zlib.gzipSync(Buffer.concat(chunks), { level: GZIP_LEVEL }));
}

/** Unpacks and verifies a .tgz artifact; `at` names it in errors (usually its path). */
export async function unpackArtifact(bytes: Uint8Array, at: string): Promise<ArtifactContent> {
  const members = await readMembers(gunzip(bytes, at), at);
  const manifestBytes = members.get(MANIFEST_FILE);
  if (manifestBytes === undefined) throw siftError("ARTIFACT_INVALID", at, `${MANIFEST_FILE} is missing`);
  members.delete(MANIFEST_FILE);
  const manifest = parseManifest(manifestBytes, at);
  return { manifest, files: verifyArtifactFiles(manifest, members, at) };
}

function gunzip(bytes: Uint8Array, at: string): Buffer {
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw siftError("ARTIFACT_INVALID", at, `not a gzip file or truncated (${(error as Error).message})`);
  }
}

async function readMembers(tarBytes: Buffer, at: string): Promise<Map<string, Uint8Array>> {
  const members = new Map<string, Uint8Array>();
  const extract = tar.extract();
  extract.end(tarBytes);
  try {
    for await (const entry of extract) {
      const name = memberName(entry.header, at);
      if (members.has(name)) throw siftError("ARTIFACT_INVALID", at, `member ${name} appears twice`);
      if (members.size >= MAX_MEMBERS) throw siftError("ARTIFACT_INVALID", at, "too many members");
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      members.set(name, new Uint8Array(Buffer.concat(chunks)));
    }
  } catch (error) {
    if (isSiftError(error)) throw error;
    throw siftError("ARTIFACT_INVALID", at, `not a tar archive or truncated (${(error as Error).message})`);
  }
  return members;
}

function memberName(header: tar.Header, at: string): string {
  const name = header.name.replace(/^\.\//, "");
  if (header.type !== "file" && header.type !== "contiguous-file") {
    throw siftError("ARTIFACT_INVALID", at, `member ${header.name} is a ${header.type}, not a file`);
  }
  if (name.startsWith("/") || name.split("/").includes("..") || /^[A-Za-z]:/.test(name)) {
    throw siftError("ARTIFACT_INVALID", at, `member ${header.name} would be written outside the artifact`);
  }
  const problem = name === MANIFEST_FILE ? null : filePathProblem(name);
  if (problem !== null) throw siftError("ARTIFACT_INVALID", at, problem);
  return name;
}
