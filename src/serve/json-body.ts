/**
 * Request bodies: strict UTF-8, then JSON, then a prototype-poisoning check (the rule Fastify's
 * secure parser applies: no `__proto__` key, no `constructor.prototype`). Written here rather
 * than taken from Fastify's default parser because that one drops the parse error's detail, and
 * a user fixing a request needs to know where the JSON broke.
 */
import { isUtf8 } from "node:buffer";
import { siftError } from "../errors.ts";

const EXAMPLE = '{"sentence": "..."}';

function isObject(value: unknown): value is object {
  return value !== null && typeof value === "object";
}

/** The poisoning key `node` itself holds, if any. */
function ownPoison(node: object): string | undefined {
  if (Object.hasOwn(node, "__proto__")) return "__proto__";
  if (!Object.hasOwn(node, "constructor")) return undefined;
  const ctor: unknown = (node as { constructor: unknown }).constructor;
  return isObject(ctor) && Object.hasOwn(ctor, "prototype") ? "constructor.prototype" : undefined;
}

/** Finds a poisoning key without recursion (bodies may nest deeply). */
function poisonedKey(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!isObject(node)) continue;
    const key = ownPoison(node);
    if (key !== undefined) return key;
    for (const value of Object.values(node)) if (isObject(value)) stack.push(value);
  }
  return undefined;
}

export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw siftError("INVALID_JSON", "the body is empty", EXAMPLE);
  if (!isUtf8(bytes)) throw siftError("INVALID_UTF8");
  const text = bytes.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw siftError("INVALID_JSON", reason.slice(0, 160), EXAMPLE);
  }
  // Only bodies that spell a dangerous key are walked: the hot path pays one substring search.
  if (text.includes("__proto__") || text.includes("constructor")) {
    const key = poisonedKey(value);
    if (key !== undefined) throw siftError("INVALID_JSON", `the key ${key} is not allowed`, EXAMPLE);
  }
  return value;
}
