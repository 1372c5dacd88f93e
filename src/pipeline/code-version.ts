/**
 * The code version recorded with every run and artifact: the git commit sift runs from, when it
 * runs from a checkout. CI can pin it with SIFT_CODE_VERSION (or GitHub's GITHUB_SHA); an
 * installed package without git records its package version instead.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

let cached: string | null | undefined;

export function codeVersion(): string | null {
  if (cached !== undefined) return cached;
  cached = fromEnv() ?? fromGit() ?? fromPackage();
  return cached;
}

function fromEnv(): string | null {
  const pinned = process.env.SIFT_CODE_VERSION ?? process.env.GITHUB_SHA;
  return pinned && pinned.trim() !== "" ? pinned.trim() : null;
}

function fromGit(): string | null {
  try {
    const here = fileURLToPath(new URL(".", import.meta.url));
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: here,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    const sha = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

function fromPackage(): string | null {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? `sift@${pkg.version}` : null;
  } catch {
    return null;
  }
}
