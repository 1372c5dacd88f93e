/** Builders for the data tests: temporary directories, SQLite files and hand-made packages. */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { buffer } from "node:stream/consumers";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export async function temporaryDirectory(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "sift-data-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

export type Row = readonly unknown[];

/** A SQLite file's bytes, built with node:sqlite from a CREATE statement and rows. */
export async function sqliteBytes(dir: string, create: string, rows: readonly Row[] = []): Promise<Buffer> {
  const path = join(dir, `build-${Math.random().toString(36).slice(2)}.db`);
  const db = new DatabaseSync(path);
  db.exec(create);
  const table = /CREATE TABLE (\w+)/i.exec(create)?.[1] ?? "data";
  for (const row of rows) {
    const insert = db.prepare(`INSERT INTO ${table} VALUES (${row.map(() => "?").join(", ")})`);
    insert.run(...(row as Array<string | number | null>));
  }
  db.close();
  const bytes = await readFile(path);
  await rm(path);
  return bytes;
}

export const SEED_TABLE = "CREATE TABLE data (text TEXT, choose_one TEXT, class_label INTEGER)";

export const GOOD_ROWS: readonly Row[] = [
  ["Forest fire near La Ronge Sask. Canada http://t.co/abc", "Relevant", 1],
  ["I love fruits &amp; veggies", "Not Relevant", 0],
  ["Earthquake of 5.8 hits off the coast —_", "Relevant", 1],
];

export interface Member {
  readonly name: string;
  readonly content?: string | Buffer;
  readonly type?: "file" | "directory" | "symlink";
  readonly linkname?: string;
}

export async function tarBytes(members: readonly Member[]): Promise<Buffer> {
  const pack = tar.pack();
  const out = buffer(pack as unknown as NodeJS.ReadableStream);
  for (const m of members) {
    const type = m.type ?? "file";
    const header = {
      name: m.name,
      type,
      mtime: new Date(0),
      linkname: m.linkname,
      mode: type === "directory" ? 0o755 : 0o644,
    };
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error | null) => (e ? reject(e) : resolve());
      if (type === "file") pack.entry(header, m.content ?? "", done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  return out;
}

export async function tarGz(members: readonly Member[]): Promise<Buffer> {
  return gzipSync(await tarBytes(members));
}

/** A package holding `db` base64-wrapped at `width` columns (0: one line). */
export async function packageOf(db: Buffer, name = "data.db.b64", width = 76): Promise<Buffer> {
  const text = db.toString("base64");
  const wrapped = width > 0 ? `${text.replace(new RegExp(`(.{${width}})`, "g"), "$1\n")}\n` : text;
  return tarGz([{ name, content: wrapped }]);
}
