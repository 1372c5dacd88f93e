/**
 * Canonical JSON for manifests: keys sorted at every depth, two-space indent, final newline. The
 * same draft always gives the same bytes, whatever order a trainer built its objects in.
 */

/** Why `value` cannot be stored as JSON (first problem found, with its path), or null. */
export function jsonProblem(value: unknown, path: string): string | null {
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number")
    return Number.isFinite(value) ? null : `${path} is ${value}, not a finite number`;
  if (Array.isArray(value)) return firstProblem(value.map((item, i) => [`${path}[${i}]`, item]));
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return firstProblem(entries.map(([k, v]) => [`${path}.${k}`, v]));
  }
  return `${path} is ${describe(value)}, which JSON cannot hold`;
}

/** Serialises a value `jsonProblem` accepted; object keys sorted, `undefined` members dropped. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function firstProblem(entries: ReadonlyArray<readonly [string, unknown]>): string | null {
  for (const [path, item] of entries) {
    const problem = jsonProblem(item, path);
    if (problem !== null) return problem;
  }
  return null;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (!isPlainObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "object") return `a ${value?.constructor?.name ?? "non-plain object"}`;
  return `a ${typeof value}`;
}
