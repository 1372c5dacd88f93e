/**
 * Parameters declared as data (scikit-learn's `_parameter_constraints`): each featuriser and
 * estimator lists its parameters with type, bounds and default; `validateParams` checks a user's
 * record against that list and returns the complete, typed parameters or throws PARAM_INVALID
 * naming the parameter, its owner, the bad value and what is allowed.
 */
import { siftError } from "../errors.ts";

export interface NumberRule {
  readonly type: "number";
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
  /** When true, `min` itself is not allowed (e.g. C > 0). */
  readonly exclusiveMin?: boolean;
  readonly integer?: boolean;
}

export interface BooleanRule {
  readonly type: "boolean";
  readonly default: boolean;
}

export interface EnumRule<V extends string = string> {
  readonly type: "enum";
  readonly values: readonly V[];
  readonly default: V;
}

/** An inclusive integer range [lo, hi] with min ≤ lo ≤ hi ≤ max, e.g. an n-gram range. */
export interface RangeRule {
  readonly type: "range";
  readonly default: readonly [number, number];
  readonly min: number;
  readonly max: number;
}

export interface StringRule {
  readonly type: "string";
  readonly default: string;
  /** Returns why the value is not allowed, or null when it is. */
  readonly check?: (value: string) => string | null;
}

export interface NumberListRule {
  readonly type: "numbers";
  readonly default: readonly number[];
  readonly min?: number;
}

export type ParamRule = NumberRule | BooleanRule | EnumRule | RangeRule | StringRule | NumberListRule;
export type ParamSchema = Readonly<Record<string, ParamRule>>;

type ValueOf<R> = R extends NumberRule
  ? number
  : R extends BooleanRule
    ? boolean
    : R extends EnumRule<infer V>
      ? V
      : R extends RangeRule
        ? readonly [number, number]
        : R extends StringRule
          ? string
          : R extends NumberListRule
            ? readonly number[]
            : never;

export type ParamsOf<S extends ParamSchema> = { readonly [K in keyof S]: ValueOf<S[K]> };

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (value === undefined) return "undefined";
  return JSON.stringify(value) ?? typeof value;
}

function numberProblem(rule: NumberRule, value: unknown): string | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return "must be a finite number";
  if (rule.integer === true && !Number.isInteger(value)) return "must be an integer";
  if (rule.min !== undefined) {
    if (rule.exclusiveMin === true && value <= rule.min) return `must be > ${rule.min}`;
    if (value < rule.min) return `must be ≥ ${rule.min}`;
  }
  if (rule.max !== undefined && value > rule.max) return `must be ≤ ${rule.max}`;
  return null;
}

function rangeProblem(rule: RangeRule, value: unknown): string | null {
  if (!Array.isArray(value) || value.length !== 2) return "must be a pair [low, high]";
  const [lo, hi] = value as unknown[];
  if (!Number.isInteger(lo) || !Number.isInteger(hi)) return "must hold two integers";
  const low = lo as number;
  const high = hi as number;
  if (low < rule.min || high > rule.max || low > high) {
    return `must satisfy ${rule.min} ≤ low ≤ high ≤ ${rule.max}`;
  }
  return null;
}

function listProblem(rule: NumberListRule, value: unknown): string | null {
  if (!Array.isArray(value)) return "must be a list of numbers";
  for (const item of value as unknown[]) {
    if (typeof item !== "number" || !Number.isFinite(item)) return "must hold finite numbers only";
    if (rule.min !== undefined && item < rule.min) return `must hold numbers ≥ ${rule.min}`;
  }
  return null;
}

function problemOf(rule: ParamRule, value: unknown): string | null {
  switch (rule.type) {
    case "number":
      return numberProblem(rule, value);
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "enum":
      return typeof value === "string" && rule.values.includes(value)
        ? null
        : `must be one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "range":
      return rangeProblem(rule, value);
    case "string":
      if (typeof value !== "string") return "must be a string";
      return rule.check?.(value) ?? null;
    case "numbers":
      return listProblem(rule, value);
  }
}

/**
 * Checks `given` against `schema` for the component named `owner` and returns every parameter,
 * defaults filled in. Unknown keys are rejected too: a misspelt parameter silently ignored is
 * the classic way to train a model other than the one you meant.
 */
export function validateParams<S extends ParamSchema>(
  owner: string,
  schema: S,
  given: Readonly<Record<string, unknown>> = {},
): ParamsOf<S> {
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(schema, key)) {
      throw siftError(
        "PARAM_INVALID",
        key,
        owner,
        describe(given[key]),
        `unknown parameter (known: ${Object.keys(schema).join(", ")})`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(schema)) {
    const value = Object.hasOwn(given, key) ? given[key] : rule.default;
    const problem = problemOf(rule, value);
    if (problem !== null) throw siftError("PARAM_INVALID", key, owner, describe(value), problem);
    out[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return out as ParamsOf<S>;
}

/** Plain JSON copy of validated parameters, for specs saved in a manifest. */
export function paramsToJson(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
}
