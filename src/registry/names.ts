/**
 * Model names, alias names and references. Names become directory names under the store root, so
 * the alphabet is closed (letters, digits, '-', '_', '.'), a name starts with a letter or digit
 * and never holds "..": nothing a request sends can name a path outside the store.
 */
import { siftError } from "../errors.ts";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const DIGITS = /^[0-9]+$/;

export const DEFAULT_ALIAS = "production";

export type ParsedRef =
  | { readonly name: string; readonly kind: "alias"; readonly alias: string }
  | { readonly name: string; readonly kind: "version"; readonly version: number };

export function isValidName(value: string): boolean {
  return NAME.test(value) && !value.includes("..");
}

/** Aliases share the name alphabet but start with a letter: `name@3` always means version 3. */
export function isValidAlias(value: string): boolean {
  return isValidName(value) && /^[A-Za-z]/.test(value);
}

export function assertModelName(name: string): string {
  if (!isValidName(name)) throw siftError("MODEL_REF_INVALID", JSON.stringify(name));
  return name;
}

export function assertAlias(name: string, alias: string): string {
  if (!isValidAlias(alias)) throw siftError("MODEL_REF_INVALID", JSON.stringify(`${name}@${alias}`));
  return alias;
}

export function assertVersion(name: string, version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw siftError("MODEL_REF_INVALID", JSON.stringify(`${name}@${version}`));
  }
  return version;
}

/** "name" (= name@production), "name@alias" or "name@3". */
export function parseRef(ref: string): ParsedRef {
  const at = ref.indexOf("@");
  const name = at === -1 ? ref : ref.slice(0, at);
  const target = at === -1 ? DEFAULT_ALIAS : ref.slice(at + 1);
  if (!isValidName(name) || target.length === 0) throw siftError("MODEL_REF_INVALID", JSON.stringify(ref));
  if (DIGITS.test(target)) {
    const version = Number(target);
    if (!Number.isSafeInteger(version) || version < 1)
      throw siftError("MODEL_REF_INVALID", JSON.stringify(ref));
    return { name, kind: "version", version };
  }
  if (!isValidAlias(target)) throw siftError("MODEL_REF_INVALID", JSON.stringify(ref));
  return { name, kind: "alias", alias: target };
}
