/**
 * Turns typebox's schema errors into one sentence a user can act on: the dotted key that is wrong
 * and what the schema accepts there (the allowed keys, values or range), not a JSON-pointer dump.
 */
import type { TSchema } from "typebox";
import { Value } from "typebox/value";

export interface ConfigProblem {
  /** Dotted key, e.g. `gates.metrics[0].metric`. */
  readonly key: string;
  readonly message: string;
}

interface SchemaNode {
  readonly type?: string;
  readonly anyOf?: readonly SchemaNode[];
  readonly const?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly patternProperties?: Readonly<Record<string, SchemaNode>>;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minItems?: number;
  readonly pattern?: string;
}

export function describeConfigErrors(schema: TSchema, value: unknown): ConfigProblem {
  const errors = [...Value.Errors(schema, value)];
  // Unknown keys first: a misspelt key also makes its intended sibling look missing.
  const unknown = errors.find((e) => e.keyword === "additionalProperties");
  if (unknown) {
    const names = (unknown.params as { additionalProperties?: string[] }).additionalProperties ?? [];
    const node = objectOption(schemaAt(schema as SchemaNode, unknown.instancePath));
    const allowed = Object.keys(node?.properties ?? {}).join(", ");
    return {
      key: joinKey(unknown.instancePath, names[0] ?? "?"),
      message: `is not a known key (allowed here: ${allowed})`,
    };
  }
  const first = errors.find((e) => e.keyword !== "boolean") ?? errors[0];
  if (!first) return { key: "(root)", message: "is invalid" };
  const node = schemaAt(schema as SchemaNode, first.instancePath);
  const got = valueAt(value, first.instancePath);
  const expected = node ? describeSchema(node) : first.message;
  const key = joinKey(first.instancePath);
  if (got === undefined) return { key, message: `is missing; it must be ${expected}` };
  return { key, message: `is ${JSON.stringify(got)}; it must be ${expected}` };
}

function segments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function joinKey(pointer: string, extra?: string): string {
  const parts = extra === undefined ? segments(pointer) : [...segments(pointer), extra];
  let out = "";
  for (const part of parts) {
    out += /^\d+$/.test(part) ? `[${part}]` : out === "" ? part : `.${part}`;
  }
  return out === "" ? "(root)" : out;
}

function schemaAt(schema: SchemaNode, pointer: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (const part of segments(pointer)) {
    node = node ? childSchema(node, part) : undefined;
  }
  return node;
}

function childSchema(node: SchemaNode, part: string): SchemaNode | undefined {
  if (node.anyOf) {
    for (const option of node.anyOf) {
      const child = childSchema(option, part);
      if (child) return child;
    }
    return undefined;
  }
  if (node.type === "array") return node.items;
  const named = node.properties?.[part];
  if (named) return named;
  const pattern = node.patternProperties ? Object.values(node.patternProperties)[0] : undefined;
  if (pattern) return pattern;
  return typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
}

/** For `X | null` sections, the object option (whose keys are the allowed ones). */
function objectOption(node: SchemaNode | undefined): SchemaNode | undefined {
  return node?.anyOf ? node.anyOf.find((o) => o.properties !== undefined) : node;
}

function valueAt(value: unknown, pointer: string): unknown {
  let current: unknown = value;
  for (const part of segments(pointer)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** What a schema accepts, in words: "one of: a, b", "a number from 0 to 1", … */
export function describeSchema(node: SchemaNode): string {
  if (node.anyOf) return describeUnion(node.anyOf);
  if (node.type === "number" || node.type === "integer") return describeNumber(node);
  if (node.type === "string")
    return node.pattern ? `a string matching ${node.pattern}` : "a non-empty string";
  if (node.type === "boolean") return "true or false";
  if (node.type === "null") return "null";
  if (node.type === "array") return describeArray(node);
  if (node.type === "object") {
    const keys = Object.keys(node.properties ?? {});
    return keys.length > 0 ? `a mapping with keys ${keys.join(", ")}` : "a mapping";
  }
  return "a valid value";
}

function describeUnion(options: readonly SchemaNode[]): string {
  const literals = options.filter((o) => o.const !== undefined).map((o) => JSON.stringify(o.const));
  const others = options.filter((o) => o.const === undefined).map(describeSchema);
  return literals.length > 0 && others.length === 0
    ? `one of: ${literals.join(", ")}`
    : [...literals, ...others].join(" or ");
}

function describeArray(node: SchemaNode): string {
  const size = node.minItems ? `a list of at least ${node.minItems} item(s)` : "a list";
  const items = node.items?.type === undefined && !node.items?.anyOf ? undefined : node.items;
  return items ? `${size}, each ${describeSchema(items)}` : size;
}

function describeNumber(node: SchemaNode): string {
  const noun = node.type === "integer" ? "an integer" : "a number";
  const low = node.minimum ?? node.exclusiveMinimum;
  const high = node.maximum ?? node.exclusiveMaximum;
  if (low !== undefined && high !== undefined) {
    const open = node.exclusiveMinimum !== undefined || node.exclusiveMaximum !== undefined;
    return `${noun} ${open ? "strictly between" : "from"} ${low} ${open ? "and" : "to"} ${high}`;
  }
  if (low !== undefined) return `${noun} ≥ ${low}`;
  if (high !== undefined) return `${noun} ≤ ${high}`;
  return noun;
}
