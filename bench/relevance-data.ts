/**
 * The quality protocol's data: the raw rows of the seed package (no cleaning, so it is the same
 * input scikit-learn's peer sees), label 1 = "Relevant", and the peer's exact stratified 80/20
 * split, asked of scikit-learn itself when /usr/bin/python3 has it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";

export const DATA_PATH = new URL("../../shared/data/relevance-dev.db.b64.tar.gz", import.meta.url).pathname;
export const PEERS_DIR = new URL("../../shared/bench-peers/", import.meta.url).pathname;
export const PYTHON = "/usr/bin/python3";

export interface Rows {
  readonly texts: string[];
  readonly y: Uint8Array;
}

async function firstFile(tar: Buffer): Promise<Buffer> {
  const ex = extract();
  const done = new Promise<Buffer>((resolve, reject) => {
    let found: Buffer | null = null;
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on("end", () => {
        if (header.type === "file" && found === null) found = Buffer.concat(chunks);
        next();
      });
    });
    ex.on("finish", () => (found === null ? reject(new Error("no file in package")) : resolve(found)));
    ex.on("error", reject);
  });
  ex.end(tar);
  return done;
}

export async function readRelevanceRows(path = DATA_PATH): Promise<Rows> {
  const b64 = await firstFile(gunzipSync(readFileSync(path)));
  const dir = mkdtempSync(join(tmpdir(), "sift-bench-"));
  try {
    const dbPath = join(dir, "data.db");
    writeFileSync(dbPath, Buffer.from(b64.toString("latin1"), "base64"));
    const db = new DatabaseSync(dbPath, { readOnly: true });
    const rows = db.prepare("SELECT text, choose_one FROM data").all() as {
      text: unknown;
      choose_one: unknown;
    }[];
    db.close();
    return {
      texts: rows.map((r) => (typeof r.text === "string" ? r.text : "")),
      y: Uint8Array.from(rows, (r) => (r.choose_one === "Relevant" ? 1 : 0)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hasSklearn(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ["-c", "import sklearn"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface SplitIndices {
  readonly train: number[];
  readonly test: number[];
  readonly source: "sklearn" | "sift";
}

/** sklearn's train_test_split(range(n), test_size=0.2, random_state=seed, stratify=y). */
export function sklearnSplit(y: Uint8Array, seed: number): SplitIndices {
  const script = [
    "import json,sys",
    "from sklearn.model_selection import train_test_split",
    "y=json.load(sys.stdin)",
    `a,b=train_test_split(list(range(len(y))),test_size=0.2,random_state=${seed},stratify=y)`,
    "print(json.dumps([a,b]))",
  ].join("\n");
  const out = execFileSync(PYTHON, ["-c", script], {
    input: JSON.stringify(Array.from(y)),
    encoding: "utf8",
  });
  const [train, test] = JSON.parse(out) as [number[], number[]];
  return { train, test, source: "sklearn" };
}

/** Fallback without Python: a seeded stratified 80/20 split (not the peer's exact rows). */
export function siftSplit(y: Uint8Array, seed: number): SplitIndices {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const train: number[] = [];
  const test: number[] = [];
  for (const label of [0, 1]) {
    const idx = Array.from(y.keys()).filter((i) => y[i] === label);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    }
    const cut = Math.round(idx.length * 0.2);
    test.push(...idx.slice(0, cut));
    train.push(...idx.slice(cut));
  }
  return { train, test, source: "sift" };
}

export function pick<T>(items: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => items[i] as T);
}

export function pickY(y: Uint8Array, idx: readonly number[]): Uint8Array {
  return Uint8Array.from(idx, (i) => y[i] as number);
}
