/** sift's version, read once from package.json (V2 server metadata, OpenAPI info). */
import { readFileSync } from "node:fs";

function readVersion(): string {
  try {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    const parsed: unknown = JSON.parse(text);
    const version = (parsed as { version?: unknown }).version;
    return typeof version === "string" ? version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

export const SIFT_VERSION = readVersion();
