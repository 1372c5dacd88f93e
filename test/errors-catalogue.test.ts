/**
 * The error catalogue is a contract (STYLE.md, after Fastify): the documented codes and the real
 * ones are the same set, every catalogued code is raised somewhere, and every message tells the
 * user something to act on.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { renderErrorsDoc } from "../scripts/errors-doc.ts";
import { errorCatalogue, isSiftError, SiftError, siftError } from "../src/errors.ts";

const root = new URL("..", import.meta.url).pathname;

test("docs/errors.md is generated from the catalogue (run `node scripts/errors-doc.ts`)", () => {
  assert.equal(readFileSync(path.join(root, "docs/errors.md"), "utf8"), renderErrorsDoc());
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

test("every catalogued code is raised somewhere in src/", () => {
  const sources = sourceFiles(path.join(root, "src"))
    .filter((f) => !f.endsWith(`${path.sep}errors.ts`))
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
  const unused = Object.keys(errorCatalogue).filter((code) => !sources.includes(`"${code}"`));
  assert.deepEqual(unused, []);
});

test("messages are filled in order and carry status and exit code", () => {
  const error = siftError("FILE_NOT_FOUND", "/nowhere/data.csv");
  assert.ok(isSiftError(error));
  assert.ok(error instanceof SiftError);
  assert.equal(error.message, "/nowhere/data.csv does not exist. Check the path.");
  assert.deepEqual([error.status, error.exitCode], [404, 2]);
  assert.deepEqual(JSON.parse(JSON.stringify(error)), {
    code: "FILE_NOT_FOUND",
    message: "/nowhere/data.csv does not exist. Check the path.",
  });
});

test("every message ends a sentence and names no placeholder it cannot fill", () => {
  for (const [code, spec] of Object.entries(errorCatalogue)) {
    assert.match(spec.message, /[.)]$|%s$/, `${code}: a message ends with a full stop`);
    assert.ok(spec.status >= 400 && spec.status < 600, `${code}: an HTTP error status`);
    assert.ok(spec.exit >= 1 && spec.exit <= 5, `${code}: exit code 1-5`);
  }
});
