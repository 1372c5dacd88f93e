/**
 * Model references as the server is told them: `name`, `name@alias` or `name@version` — parsed by
 * the registry, whose closed alphabet means nothing from a command line or a request can name a
 * path outside the store. Request paths are also checked against NAME_PATTERN by their schemas.
 */
import { type ParsedRef, parseRef } from "../registry/index.ts";

export type ModelRef = ParsedRef;

export const DEFAULT_MODEL_REF = "relevance@production";

/** The registry's name alphabet, for route schemas (it also refuses "..", checked by the registry). */
export const NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$";

const VERSION = /^[1-9][0-9]{0,8}$/;

export function parseModelRef(text: string): ModelRef {
  return parseRef(text);
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.name}@${ref.kind === "alias" ? ref.alias : String(ref.version)}`;
}

/** A version number from a request path, or undefined when it is not a positive integer. */
export function parseVersion(text: string): number | undefined {
  return VERSION.test(text) ? Number(text) : undefined;
}
