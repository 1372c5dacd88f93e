import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import zlib from "node:zlib";
import fc from "fast-check";
import tar from "tar-stream";
import {
  ARTIFACT_FORMAT_VERSION,
  buildManifest,
  packArtifact,
  readArtifact,
  unpackArtifact,
  writeArtifact,
} from "./index.ts";
import { sampleDraft, tempDir } from "./test-fixtures.ts";
import type { ArtifactDraft } from "./types.ts";

async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = (await fs.readFile(full)).toString("base64");
  }
  return out;
}

type Member = { name: string; data?: Uint8Array; type?: "file" | "symlink" | "directory"; linkname?: string };

/** Builds a .tgz by hand, so tests can craft archives sift itself would never write. */
async function craftTgz(members: Member[]): Promise<Uint8Array> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const m of members) {
    const data = m.data ?? new Uint8Array(0);
    const header = { name: m.name, type: m.type ?? "file", size: m.type === "symlink" ? 0 : data.byteLength };
    pack.entry(m.linkname === undefined ? header : { ...header, linkname: m.linkname }, Buffer.from(data));
  }
  pack.finalize();
  await done;
  return new Uint8Array(zlib.gzipSync(Buffer.concat(chunks)));
}

async function membersOf(tgz: Uint8Array): Promise<Member[]> {
  const extract = tar.extract();
  extract.end(zlib.gunzipSync(tgz));
  const out: Member[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    out.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    assert.equal(entry.header.uid, 0);
    assert.equal(entry.header.gid, 0);
    assert.equal(entry.header.mode, 0o644);
    assert.equal(entry.header.mtime.toISOString(), "2025-01-02T03:04:05.000Z");
  }
  return out;
}

async function writtenSample(dir: string, draft: ArtifactDraft = sampleDraft()) {
  const artifactDir = path.join(dir, "artifact");
  writeArtifact(artifactDir, "relevance", 1, draft);
  return artifactDir;
}

describe("artifact directory", () => {
  it("round-trips a draft: same files, a manifest with the sha256 and size of each", async () => {
    await using tmp = await tempDir();
    const draft = sampleDraft();
    const dir = await writtenSample(tmp.dir, draft);
    const loaded = await readArtifact(dir);
    assert.equal(loaded.manifest.formatVersion, ARTIFACT_FORMAT_VERSION);
    assert.equal(loaded.manifest.name, "relevance");
    assert.equal(loaded.manifest.version, 1);
    assert.deepEqual(Object.keys(loaded.manifest.files), [
      "parts/featuriser.json",
      "vocab.json",
      "weights.bin",
    ]);
    assert.equal(loaded.manifest.files["weights.bin"]?.bytes, 16);
    assert.match(loaded.manifest.files["weights.bin"]?.sha256 ?? "", /^[0-9a-f]{64}$/);
    for (const [name, bytes] of Object.entries(draft.files))
      assert.deepEqual(loaded.files[name], bytes, name);
    assert.deepEqual(loaded.manifest.metrics, draft.manifest.metrics);
  });

  it("writes byte-identical directories and .tgz files for the same draft, whatever its key order", async () => {
    await using tmp = await tempDir();
    const draft = sampleDraft();
    const reordered: ArtifactDraft = {
      manifest: Object.fromEntries(Object.entries(draft.manifest).reverse()) as ArtifactDraft["manifest"],
      files: Object.fromEntries(Object.entries(draft.files).reverse()),
    };
    writeArtifact(path.join(tmp.dir, "a"), "relevance", 1, draft);
    writeArtifact(path.join(tmp.dir, "b"), "relevance", 1, reordered);
    assert.deepEqual(await filesUnder(path.join(tmp.dir, "a")), await filesUnder(path.join(tmp.dir, "b")));
    const tgzA = await packArtifact(await readArtifact(path.join(tmp.dir, "a")));
    const tgzB = await packArtifact(await readArtifact(path.join(tmp.dir, "b")));
    assert.deepEqual(tgzA, tgzB);
  });

  it("refuses a file whose bytes changed (same size) with ARTIFACT_TAMPERED", async () => {
    await using tmp = await tempDir();
    const dir = await writtenSample(tmp.dir);
    const file = path.join(dir, "weights.bin");
    const bytes = await fs.readFile(file);
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await fs.writeFile(file, bytes);
    await assert.rejects(readArtifact(dir), { code: "ARTIFACT_TAMPERED", message: /weights\.bin/ });
  });

  it("refuses a truncated file with ARTIFACT_TAMPERED", async () => {
    await using tmp = await tempDir();
    const dir = await writtenSample(tmp.dir);
    await fs.truncate(path.join(dir, "vocab.json"), 3);
    await assert.rejects(readArtifact(dir), { code: "ARTIFACT_TAMPERED", message: /vocab\.json \(3 bytes/ });
  });

  it("refuses a missing file, an extra file and an extra nested file with ARTIFACT_INVALID", async () => {
    await using tmp = await tempDir();
    const dir = await writtenSample(tmp.dir);
    await fs.rm(path.join(dir, "parts/featuriser.json"));
    await assert.rejects(readArtifact(dir), {
      code: "ARTIFACT_INVALID",
      message: /featuriser\.json listed .* missing/,
    });
    const dir2 = await writtenSample(path.join(tmp.dir, "2"));
    await fs.writeFile(path.join(dir2, "backdoor.bin"), "x");
    await assert.rejects(readArtifact(dir2), {
      code: "ARTIFACT_INVALID",
      message: /backdoor\.bin is not listed/,
    });
    const dir3 = await writtenSample(path.join(tmp.dir, "3"));
    await fs.writeFile(path.join(dir3, "parts", "more.json"), "{}");
    await assert.rejects(readArtifact(dir3), {
      code: "ARTIFACT_INVALID",
      message: /parts\/more\.json is not listed/,
    });
  });

  it("refuses a symbolic link in place of a listed file", async () => {
    await using tmp = await tempDir();
    const dir = await writtenSample(tmp.dir);
    await fs.writeFile(path.join(tmp.dir, "outside"), await fs.readFile(path.join(dir, "vocab.json")));
    await fs.rm(path.join(dir, "vocab.json"));
    await fs.symlink(path.join(tmp.dir, "outside"), path.join(dir, "vocab.json"));
    await assert.rejects(readArtifact(dir), { code: "ARTIFACT_INVALID", message: /not a regular file/ });
  });

  it("refuses a missing, non-JSON or malformed manifest with ARTIFACT_INVALID", async () => {
    await using tmp = await tempDir();
    const dir = await writtenSample(tmp.dir);
    const manifestPath = path.join(dir, "manifest.json");
    const good = JSON.parse(await fs.readFile(manifestPath, "utf8"));
    const cases: Array<[string, string | null, RegExp]> = [
      ["missing", null, /manifest\.json is missing/],
      ["not JSON", "{ nope", /not JSON/],
      ["an array", "[]", /not a JSON object/],
      ["no threshold", JSON.stringify({ ...good, threshold: undefined }), /threshold/],
      ["threshold as text", JSON.stringify({ ...good, threshold: "0.5" }), /\/threshold/],
      [
        "bad digest",
        JSON.stringify({ ...good, files: { "weights.bin": { sha256: "zz", bytes: 16 } } }),
        /sha256/,
      ],
      ["bad createdAt", JSON.stringify({ ...good, createdAt: "yesterday" }), /createdAt/],
      [
        "unsafe file name",
        JSON.stringify({ ...good, files: { "../x": good.files["vocab.json"] } }),
        /safe relative/,
      ],
      ["format 0", JSON.stringify({ ...good, formatVersion: 0 }), /formatVersion/],
      ["no labels", JSON.stringify({ ...good, labels: undefined }), /\/labels must be an object/],
      [
        "metric as text",
        JSON.stringify({ ...good, metrics: { validation: { f1: "0.8" }, test: {} } }),
        /validation\/f1/,
      ],
      ["runId number", JSON.stringify({ ...good, runId: 7 }), /\/runId must be a string or null/],
      ["no classifier", JSON.stringify({ ...good, classifier: undefined }), /\/classifier is required/],
      [
        "negative size",
        JSON.stringify({ ...good, files: { "vocab.json": { sha256: "a".repeat(64), bytes: -1 } } }),
        /bytes/,
      ],
    ];
    for (const [label, text, message] of cases) {
      await fs.rm(manifestPath, { force: true });
      if (text !== null) await fs.writeFile(manifestPath, text);
      await assert.rejects(readArtifact(dir), { code: "ARTIFACT_INVALID", message }, label);
    }
  });

  it("refuses a future format version with ARTIFACT_FUTURE_FORMAT, even if the rest changed shape", async () => {
    await using tmp = await tempDir();
    const dir = await writtenSample(tmp.dir);
    const future = { formatVersion: ARTIFACT_FORMAT_VERSION + 1, layout: "something new" };
    await fs.writeFile(path.join(dir, "manifest.json"), JSON.stringify(future));
    await assert.rejects(readArtifact(dir), {
      code: "ARTIFACT_FUTURE_FORMAT",
      message: new RegExp(
        `format version ${ARTIFACT_FORMAT_VERSION + 1}; this sift reads up to ${ARTIFACT_FORMAT_VERSION}`,
      ),
    });
  });

  it("refuses a draft with unsafe file names or non-JSON values before writing anything", async () => {
    await using tmp = await tempDir();
    const base = sampleDraft();
    const bad: Array<[string, ArtifactDraft]> = [
      ["../escape", { ...base, files: { "../escape": new Uint8Array(1) } }],
      ["/abs", { ...base, files: { "/abs": new Uint8Array(1) } }],
      ["a//b", { ...base, files: { "a//b": new Uint8Array(1) } }],
      ["dot segment", { ...base, files: { "a/./b": new Uint8Array(1) } }],
      ["manifest.json", { ...base, files: { "manifest.json": new Uint8Array(1) } }],
      // an own "__proto__" key, as a parsed manifest or an untrusted tar member list could carry
      [
        "__proto__",
        {
          ...base,
          files: Object.defineProperty({}, "__proto__", { value: new Uint8Array(1), enumerable: true }),
        },
      ],
      [
        "NaN metric",
        { ...base, manifest: { ...base.manifest, metrics: { validation: { f1: Number.NaN }, test: {} } } },
      ],
      ["bigint", { ...base, manifest: { ...base.manifest, trainingConfig: { seed: 1n } } }],
      ["threshold 2", { ...base, manifest: { ...base.manifest, threshold: 2 } }],
    ];
    for (const [label, draft] of bad) {
      const dir = path.join(tmp.dir, "out");
      assert.throws(() => writeArtifact(dir, "m", 1, draft), { code: "ARTIFACT_INVALID" }, label);
      await assert.rejects(fs.access(dir), label);
    }
    assert.throws(() => buildManifest("m", 1, bad[0]?.[1] ?? base), { message: /not a safe relative path/ });
    assert.throws(() => buildManifest("m", 1, bad[5]?.[1] ?? base), { message: /reserved name __proto__/ });
  });
});

describe("artifact .tgz", () => {
  it("round-trips, with the manifest first, then sorted files, fixed owner, mode and mtime", async () => {
    await using tmp = await tempDir();
    const loaded = await readArtifact(await writtenSample(tmp.dir));
    const tgz = await packArtifact(loaded);
    const members = await membersOf(tgz);
    assert.deepEqual(
      members.map((m) => m.name),
      ["manifest.json", "parts/featuriser.json", "vocab.json", "weights.bin"],
    );
    const back = await unpackArtifact(tgz, "model.tgz");
    assert.deepEqual(back.manifest, loaded.manifest);
    assert.deepEqual(back.files, loaded.files);
  });

  it("round-trips any set of safe files (property)", async () => {
    const fileName = fc
      .stringMatching(/^[a-z0-9_-]{1,12}(\/[a-z0-9_.-]{1,12})?$/)
      .filter((n) => !/(^|\/)\.\.?$/.test(n) && !n.split("/").includes("__proto__"));
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fileName, fc.uint8Array({ maxLength: 600 }), { maxKeys: 6 }),
        async (files) => {
          const names = Object.keys(files);
          // a name cannot be both a file and a folder
          fc.pre(!names.some((a) => names.some((b) => b.startsWith(`${a}/`))));
          const manifest = buildManifest("m", 1, { ...sampleDraft(), files });
          const back = await unpackArtifact(await packArtifact({ manifest, files }), "p.tgz");
          assert.deepEqual(back.manifest, manifest);
          for (const name of names) assert.deepEqual(back.files[name], files[name]);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("refuses bytes that are not gzip, or a truncated archive", async () => {
    await using tmp = await tempDir();
    const tgz = await packArtifact(await readArtifact(await writtenSample(tmp.dir)));
    await assert.rejects(unpackArtifact(new TextEncoder().encode("hello"), "x.tgz"), {
      code: "ARTIFACT_INVALID",
      message: /not a gzip file/,
    });
    await assert.rejects(unpackArtifact(tgz.subarray(0, tgz.byteLength - 40), "x.tgz"), {
      code: "ARTIFACT_INVALID",
    });
    const plainTar = zlib.gzipSync(Buffer.from("this is not a tar archive".repeat(30)));
    await assert.rejects(unpackArtifact(plainTar, "x.tgz"), { code: "ARTIFACT_INVALID" });
  });

  it("refuses members that climb out, are absolute, are links, or repeat", async () => {
    await using tmp = await tempDir();
    const loaded = await readArtifact(await writtenSample(tmp.dir));
    const manifest = new TextEncoder().encode(JSON.stringify(loaded.manifest));
    const cases: Array<[Member, RegExp]> = [
      [{ name: "../../etc/cron.d/x", data: new Uint8Array(1) }, /outside the artifact/],
      [{ name: "parts/../../x", data: new Uint8Array(1) }, /outside the artifact/],
      [{ name: "/etc/passwd", data: new Uint8Array(1) }, /outside the artifact/],
      [{ name: "vocab.json", type: "symlink", linkname: "/etc/passwd" }, /symlink, not a file/],
      [{ name: "parts", type: "directory" }, /directory, not a file/],
      [{ name: "manifest.json", data: manifest }, /appears twice/],
    ];
    for (const [member, message] of cases) {
      const tgz = await craftTgz([{ name: "manifest.json", data: manifest }, member]);
      await assert.rejects(
        unpackArtifact(tgz, "evil.tgz"),
        { code: "ARTIFACT_INVALID", message },
        member.name,
      );
    }
  });

  it("refuses a tampered member, a missing manifest, a missing or an extra file, and a future format", async () => {
    await using tmp = await tempDir();
    const loaded = await readArtifact(await writtenSample(tmp.dir));
    const manifest = new TextEncoder().encode(JSON.stringify(loaded.manifest));
    const members = (): Member[] => [
      { name: "manifest.json", data: manifest },
      ...Object.entries(loaded.files).map(([name, data]) => ({ name, data })),
    ];
    const tampered = members().map((m) =>
      m.name === "weights.bin" ? { ...m, data: new Uint8Array(16) } : m,
    );
    await assert.rejects(unpackArtifact(await craftTgz(tampered), "t.tgz"), { code: "ARTIFACT_TAMPERED" });
    const noManifest = members().slice(1);
    await assert.rejects(unpackArtifact(await craftTgz(noManifest), "t.tgz"), {
      message: /manifest\.json is missing/,
    });
    const missing = members().filter((m) => m.name !== "vocab.json");
    await assert.rejects(unpackArtifact(await craftTgz(missing), "t.tgz"), {
      message: /vocab\.json listed .* missing/,
    });
    const extra = [...members(), { name: "extra.bin", data: new Uint8Array(2) }];
    await assert.rejects(unpackArtifact(await craftTgz(extra), "t.tgz"), {
      message: /extra\.bin is not listed/,
    });
    const future = new TextEncoder().encode(JSON.stringify({ ...loaded.manifest, formatVersion: 99 }));
    const newer = [{ name: "manifest.json", data: future }, ...members().slice(1)];
    await assert.rejects(unpackArtifact(await craftTgz(newer), "t.tgz"), { code: "ARTIFACT_FUTURE_FORMAT" });
  });
});
