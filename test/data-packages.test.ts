/**
 * Every bad package of the data contract is turned away with its own code, an actionable message
 * and nothing written; good packages unpack whole, at any member path and base64 width.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { prepareData, unpackPackage } from "../src/data/index.ts";
import {
  GOOD_ROWS,
  listFiles,
  packageOf,
  SEED_TABLE,
  sqliteBytes,
  tarGz,
  temporaryDirectory,
} from "./data-helpers.ts";

const run = promisify(execFile);
const MAIN = new URL("../src/cli/main.ts", import.meta.url).pathname;

let dir = "";
let cleanup: () => Promise<void> = async () => undefined;
let goodDb: Buffer = Buffer.alloc(0);

before(async () => {
  ({ dir, cleanup } = await temporaryDirectory());
  goodDb = await sqliteBytes(dir, SEED_TABLE, GOOD_ROWS);
});
after(() => cleanup());

let counter = 0;
/** Writes the package into a fresh directory of its own, so "nothing written" is checkable. */
async function place(bytes: Buffer): Promise<{ pkg: string; out: string; home: string }> {
  const home = await mkdtemp(join(dir, "case-"));
  const pkg = join(home, `package-${counter++}.tar.gz`);
  await writeFile(pkg, bytes);
  return { pkg, out: join(home, "out.db"), home };
}

interface BadCase {
  readonly name: string;
  readonly code: string;
  readonly message: RegExp;
  readonly build: () => Promise<Buffer>;
}

const bad: BadCase[] = [
  {
    name: "not gzip",
    code: "DATA_NOT_GZIP",
    message: /is not gzip data/,
    build: async () => Buffer.from("text,choose_one\n"),
  },
  {
    name: "gzip but not tar",
    code: "DATA_NOT_TAR",
    message: /is gzip but not a tar archive.*tar czf/,
    build: async () => gzipSync(Buffer.from("just some text, gzipped")),
  },
  {
    name: "a truncated tarball",
    code: "DATA_TRUNCATED",
    message: /is truncated or corrupt .*Copy the package again/,
    build: async () => {
      const whole = await packageOf(goodDb);
      return whole.subarray(0, Math.floor(whole.length / 2));
    },
  },
  {
    name: "no file inside",
    code: "DATA_NO_FILE",
    message: /holds no regular file/,
    build: () =>
      tarGz([
        { name: "data/", type: "directory" },
        { name: "data/link", type: "symlink", linkname: "/etc/passwd" },
      ]),
  },
  {
    name: "two files inside",
    code: "DATA_MANY_FILES",
    message: /holds 2 regular files \(a\.b64, b\.b64\); a data package holds exactly one/,
    build: async () => {
      const b64 = goodDb.toString("base64");
      return tarGz([
        { name: "a.b64", content: b64 },
        { name: "b.b64", content: b64 },
      ]);
    },
  },
  {
    name: "an empty file",
    code: "DATA_EMPTY_FILE",
    message: /The file data\.b64 inside .* is empty/,
    build: () => tarGz([{ name: "data.b64" }]),
  },
  {
    name: "a file of whitespace only",
    code: "DATA_EMPTY_FILE",
    message: /is empty/,
    build: () => tarGz([{ name: "data.b64", content: "\n\n  \n" }]),
  },
  {
    name: "not base64",
    code: "DATA_NOT_BASE64",
    message: /is not base64 text \(character '!' at byte \d+\)\. Encode the database with `base64/,
    build: () => tarGz([{ name: "data.b64", content: "U1FMaXRl IGZvcm1hdCAz!!" }]),
  },
  {
    name: "base64 of something that is not SQLite",
    code: "DATA_NOT_SQLITE",
    message: /does not hold a SQLite 3 database \(the header is "PK\\\\x03\\\\x04/,
    build: () =>
      tarGz([
        { name: "data.b64", content: Buffer.from("PK\x03\x04 a zip, not a database").toString("base64") },
      ]),
  },
  {
    name: "a database without table data",
    code: "DATA_NO_TABLE",
    message: /has no table data \(tables: tweets\)/,
    build: async () =>
      packageOf(
        await sqliteBytes(dir, "CREATE TABLE tweets (text TEXT, choose_one TEXT)", [["a", "Relevant"]]),
      ),
  },
  {
    name: "data without text",
    code: "DATA_NO_COLUMN",
    message: /Table data has no column text \(columns: body, choose_one\).*data\.textColumn/,
    build: async () =>
      packageOf(
        await sqliteBytes(dir, "CREATE TABLE data (body TEXT, choose_one TEXT)", [["a", "Relevant"]]),
      ),
  },
  {
    name: "data without choose_one",
    code: "DATA_NO_COLUMN",
    message: /has no column choose_one .*data\.labelColumn/,
    build: async () =>
      packageOf(await sqliteBytes(dir, "CREATE TABLE data (text TEXT, label TEXT)", [["a", "Relevant"]])),
  },
  {
    name: "zero rows",
    code: "DATA_NO_ROWS",
    message: /has no rows/,
    build: async () => packageOf(await sqliteBytes(dir, SEED_TABLE)),
  },
  {
    name: "no usable row after cleaning",
    code: "DATA_NO_USABLE_ROWS",
    message: /No usable row is left .*3 rows in; dropped: text-null 1, text-empty 1, cant-decide-excluded 1/,
    build: async () =>
      packageOf(
        await sqliteBytes(dir, SEED_TABLE, [
          [null, "Relevant", 1],
          ["   ", "Not Relevant", 0],
          ["I See Fire", "Can't Decide", 2],
        ]),
      ),
  },
  {
    name: "unknown labels",
    code: "DATA_UNKNOWN_LABELS",
    message:
      /Unknown labels in .*: "Spam" \(2 rows\), "Maybe" \(1 rows\)\. Allowed: Relevant, Not Relevant, Can't Decide/,
    build: async () =>
      packageOf(
        await sqliteBytes(dir, SEED_TABLE, [
          ["a", "Spam", 0],
          ["b", "Spam", 0],
          ["c", "Maybe", 0],
          ["d", "Relevant", 1],
        ]),
      ),
  },
  {
    name: "a member named with ..",
    code: "DATA_UNSAFE_PATH",
    message: /The archive member \.\.\/\.\.\/escape\.b64 would be written outside the output/,
    build: () => tarGz([{ name: "../../escape.b64", content: goodDb.toString("base64") }]),
  },
  {
    name: "a member with an absolute path",
    code: "DATA_UNSAFE_PATH",
    message: /member \/tmp\/escape\.b64/,
    build: () => tarGz([{ name: "/tmp/escape.b64", content: goodDb.toString("base64") }]),
  },
];

describe("bad packages are rejected before anything is written", () => {
  for (const c of bad) {
    test(`${c.name} → ${c.code}`, async () => {
      const { pkg, out, home } = await place(await c.build());
      const before = await listFiles(home);
      await assert.rejects(unpackPackage(pkg, out), (e: Error & { code?: string; exitCode?: number }) => {
        assert.equal(e.code, c.code);
        assert.match(e.message, c.message);
        assert.equal(e.exitCode, 4);
        return true;
      });
      assert.deepEqual(await listFiles(home), before, "nothing was written");
      // Reading the package for inspect or training fails the same way (except "not gzip", which
      // is then read as CSV and fails on its columns).
      if (c.code !== "DATA_NOT_GZIP")
        await assert.rejects(prepareData(pkg), (e: Error & { code?: string }) => e.code === c.code);
    });
  }
});

describe("good packages", () => {
  for (const [name, member, width] of [
    ["wrapped at 76 columns", "relevance.db.b64", 76],
    ["not wrapped, deep inside the archive", "export/2019/data.b64", 0],
    ["wrapped at 60 columns", "x", 60],
  ] as const) {
    test(`unpack: ${name}; the sha256 printed is the database's`, async () => {
      const { pkg, out, home } = await place(await packageOf(goodDb, member, width));
      const sha = await unpackPackage(pkg, out);
      assert.equal(sha, createHash("sha256").update(goodDb).digest("hex"));
      assert.deepEqual(await readFile(out), goodDb);
      assert.deepEqual(await listFiles(home), [pkg.slice(home.length + 1), "out.db"].sort());
    });
  }

  test("directories and links beside the one file are ignored", async () => {
    const bytes = await tarGz([
      { name: "pkg/", type: "directory" },
      { name: "pkg/latest", type: "symlink", linkname: "../../../etc/passwd" },
      { name: "pkg/data.b64", content: goodDb.toString("base64") },
    ]);
    const { pkg, out } = await place(bytes);
    await unpackPackage(pkg, out);
    assert.deepEqual(await readFile(out), goodDb);
  });
});

describe("sift data (CLI)", () => {
  test("unpack prints the sha256; a bad package exits 4 with its code", async () => {
    const { pkg, out } = await place(await packageOf(goodDb));
    const ok = await run(process.execPath, [MAIN, "data", "unpack", pkg, "--out", out]);
    assert.match(ok.stdout, /^[0-9a-f]{64} {2}/);
    const { pkg: badPkg, out: badOut } = await place(Buffer.from("not a package"));
    await assert.rejects(
      run(process.execPath, [MAIN, "data", "unpack", badPkg, "--out", badOut]),
      (e: { code?: number; stderr?: string }) => {
        assert.equal(e.code, 4);
        assert.match(e.stderr ?? "", /^sift: DATA_NOT_GZIP: /);
        return true;
      },
    );
  });

  test("inspect --json reports rows, labels, lengths, every cleaning step and the fingerprint", async () => {
    const { pkg } = await place(await packageOf(goodDb));
    const { stdout } = await run(process.execPath, [MAIN, "data", "inspect", pkg, "--json"]);
    const summary = JSON.parse(stdout);
    assert.deepEqual(summary.rows, { raw: 3, clean: 3, undecided: 0 });
    assert.deepEqual(summary.labels.raw, { Relevant: 2, "Not Relevant": 1 });
    assert.equal(
      summary.textLength.raw.max,
      GOOD_ROWS.map((r) => String(r[0]).length).reduce((a, b) => Math.max(a, b)),
    );
    assert.equal(summary.cleaning.steps.length, 12);
    assert.match(summary.fingerprint, /^[0-9a-f]{64}$/);
    const text = await run(process.execPath, [MAIN, "data", "inspect", pkg]);
    assert.match(text.stdout, /^rows +3 read · 3 clean/m);
    assert.match(text.stdout, /^fingerprint +sha256:[0-9a-f]{64}$/m);
  });
});
