/**
 * The node flags of the production start command, read from package.json's `start` script
 * (`node <flags> dist/bundle/sift.mjs up`). The Dockerfile's CMD must use the same flags
 * (test/serve-docker.test.ts checks it) and bench:serve starts its main sift server with them, so
 * the three never drift apart.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export const START_BUNDLE = "dist/bundle/sift.mjs";

export function startNodeFlags(root: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const words = (manifest.scripts?.start ?? "").split(/\s+/).filter((word) => word.length > 0);
  const bundle = words.indexOf(START_BUNDLE);
  if (words[0] !== "node" || bundle < 0)
    throw new Error(`package.json's start script must be "node [flags] ${START_BUNDLE} …"`);
  return words.slice(1, bundle);
}
