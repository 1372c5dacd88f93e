/** Side-by-side comparison of two runs: every metric of both splits, and what settings differ. */
import type { RunComparison, RunRecord } from "./runs-types.ts";

export function compareRuns(a: RunRecord, b: RunRecord): RunComparison {
  return { a, b, metrics: metricRows(a, b), params: paramDiff(a, b) };
}

function metricRows(a: RunRecord, b: RunRecord): RunComparison["metrics"] {
  const rows: Array<RunComparison["metrics"][number]> = [];
  for (const split of ["validation", "test"] as const) {
    const left = a.metrics?.[split] ?? {};
    const right = b.metrics?.[split] ?? {};
    const names = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const name of names) {
      const va = left[name] ?? null;
      const vb = right[name] ?? null;
      rows.push({
        metric: `${split}.${name}`,
        a: va,
        b: vb,
        delta: va === null || vb === null ? null : vb - va,
      });
    }
  }
  return rows;
}

function paramDiff(a: RunRecord, b: RunRecord): RunComparison["params"] {
  const left = flatten({ config: a.config, params: a.params, data: a.dataFingerprint, code: a.codeVersion });
  const right = flatten({ config: b.config, params: b.params, data: b.dataFingerprint, code: b.codeVersion });
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const out: Array<RunComparison["params"][number]> = [];
  for (const key of keys) {
    const va = left.get(key);
    const vb = right.get(key);
    if (JSON.stringify(va) !== JSON.stringify(vb)) out.push({ key, a: va ?? null, b: vb ?? null });
  }
  return out;
}

/** Nested objects → dotted keys; arrays stay whole (a changed gate list is one difference). */
export function flatten(value: unknown, prefix = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      flatten(child, prefix === "" ? key : `${prefix}.${key}`, out);
    return out;
  }
  out.set(prefix, value);
  return out;
}
