/** Search spaces over classifier specs: parameter paths, candidates and spec edits. */
import { siftError } from "../errors.ts";
import type { ClassifierSpec } from "./types.ts";

/**
 * Parameter path → candidate values. A path names parts then a parameter: "estimator.lr.C" is
 * `parts.estimator.parts.lr.params.C`; a bare "C" is the top spec's own `params.C`.
 */
export type SearchSpace = Readonly<Record<string, readonly unknown[]>>;

/** One point of a search space: path → value. */
export type Candidate = Readonly<Record<string, unknown>>;

/** Returns a copy of `spec` with the parameter at `path` set to `value`. */
export function withParam(spec: ClassifierSpec, path: string, value: unknown): ClassifierSpec {
  const segments = path.split(".");
  const param = segments.pop();
  if (param === undefined || param === "" || segments.some((s) => s === "")) {
    throw siftError("SELECTION_INVALID", `the path ${JSON.stringify(path)} is not part.part.parameter`);
  }
  return editAt(spec, segments, param, value, path);
}

function editAt(
  spec: ClassifierSpec,
  parts: readonly string[],
  param: string,
  value: unknown,
  path: string,
): ClassifierSpec {
  const [head, ...rest] = parts;
  if (head === undefined) return { ...spec, params: { ...spec.params, [param]: value } };
  const child = spec.parts?.[head];
  if (child === undefined) {
    const known = Object.keys(spec.parts ?? {}).join(", ") || "none";
    throw siftError("SELECTION_INVALID", `${path}: ${spec.kind} has no part ${head} (parts: ${known})`);
  }
  return { ...spec, parts: { ...spec.parts, [head]: editAt(child, rest, param, value, path) } };
}

/** Every combination of the space's values, in declaration order (the last path varies fastest). */
export function candidatesOf(space: SearchSpace): Candidate[] {
  const paths = Object.keys(space);
  if (paths.length === 0) throw siftError("SELECTION_INVALID", "the search space is empty");
  let out: Record<string, unknown>[] = [{}];
  for (const path of paths) {
    const values = space[path] ?? [];
    if (values.length === 0) throw siftError("SELECTION_INVALID", `${path} has no candidate values`);
    out = out.flatMap((c) => values.map((v) => ({ ...c, [path]: v })));
  }
  return out;
}

export function specFor(base: ClassifierSpec, candidate: Candidate): ClassifierSpec {
  let spec = base;
  for (const [path, value] of Object.entries(candidate)) spec = withParam(spec, path, value);
  return spec;
}
