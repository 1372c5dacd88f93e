/** The production start commands' node flags: one source (package.json), the others in step. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { START_BUNDLE, startNodeFlags } from "../scripts/start-flags.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("start flags", () => {
  it("docker-compose starts sift with npm start's node flags", async () => {
    const compose = await readFile(path.join(ROOT, "docker-compose.yml"), "utf8");
    const line = /^\s*command: (\[.+\])$/m.exec(compose)?.[1];
    assert.ok(line !== undefined, "docker-compose.yml must have a command");
    const command = JSON.parse(line) as string[];
    const flags = startNodeFlags(ROOT);
    assert.ok(flags.length > 0);
    assert.deepEqual(command.slice(0, flags.length + 1), ["node", ...flags]);
  });

  it("refuses a start script that does not run node on the bundle", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sift-start-flags-"));
    try {
      for (const start of ["node src/cli/main.ts up", `npx ${START_BUNDLE} up`, ""]) {
        await writeFile(path.join(dir, "package.json"), JSON.stringify({ scripts: { start } }));
        assert.throws(
          () => startNodeFlags(dir),
          /start script must be "node \[flags\] dist\/bundle\/sift\.mjs/,
        );
      }
      await writeFile(
        path.join(dir, "package.json"),
        JSON.stringify({ scripts: { start: `node ${START_BUNDLE} up` } }),
      );
      assert.deepEqual(startNodeFlags(dir), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
