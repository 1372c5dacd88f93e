/**
 * The shape check of manifest.json, by hand. It was a TypeBox schema; importing TypeBox costs about
 * 0.3 s of CPU at every process start, which every registry client (a trainer, a CLI call, each
 * round of the crash test) paid just to check fourteen fields. Returns the first problem, with the
 * field's path, or null.
 */

type Check = (value: unknown, path: string) => string | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const string: Check = (v, p) => (typeof v === "string" ? null : `${p} must be a string`);
const nonEmpty: Check = (v, p) =>
  typeof v === "string" && v.length > 0 ? null : `${p} must be a non-empty string`;
const stringOrNull: Check = (v, p) =>
  v === null || typeof v === "string" ? null : `${p} must be a string or null`;
const present: Check = (v, p) => (v === undefined ? `${p} is required` : null);
const positiveInteger: Check = (v, p) =>
  Number.isSafeInteger(v) && (v as number) >= 1 ? null : `${p} must be an integer ≥ 1`;
const probability: Check = (v, p) =>
  typeof v === "number" && v >= 0 && v <= 1 ? null : `${p} must be a number in [0, 1]`;

function object(fields: Readonly<Record<string, Check>>): Check {
  return (value, path) => {
    if (!isObject(value)) return `${path} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(value[key], `${path}/${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };
}

function recordOf(check: Check): Check {
  return (value, path) => {
    if (!isObject(value)) return `${path} must be an object`;
    for (const [key, item] of Object.entries(value)) {
      const problem = check(item, `${path}/${key}`);
      if (problem !== null) return problem;
    }
    return null;
  };
}

const number: Check = (v, p) =>
  typeof v === "number" && Number.isFinite(v) ? null : `${p} must be a number`;
const fileEntry = object({
  sha256: (v, p) =>
    typeof v === "string" && /^[0-9a-f]{64}$/.test(v) ? null : `${p} must be a sha256 hex digest`,
  bytes: (v, p) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : `${p} must be a byte count`),
});

export const checkManifestShape: Check = object({
  formatVersion: positiveInteger,
  name: nonEmpty,
  version: positiveInteger,
  createdAt: nonEmpty,
  labels: object({ positive: string, negative: string }),
  threshold: probability,
  classifier: present,
  metrics: object({ validation: recordOf(number), test: recordOf(number) }),
  dataFingerprint: string,
  trainingConfig: present,
  codeVersion: stringOrNull,
  reference: present,
  runId: stringOrNull,
  files: recordOf(fileEntry),
});
