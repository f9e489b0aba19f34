/**
 * Fit a JSON Schema into the subset OpenAI's strict Structured Outputs
 * accept: every object closed (`additionalProperties: false`) with every
 * property required (an optional one becomes nullable instead), and the
 * keywords strict mode rejects removed. Pure: the input is not changed.
 *
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import type { JsonSchema } from "@ratatoskr/core";

/** A schema made strict, and what was changed to get there (empty: sent as given). */
export interface OpenAIStrictSchema {
  /** The strict schema, to send with `strict: true`. */
  readonly schema: JsonSchema;
  /** One line per change, each starting with the JSON pointer of the node changed (`#` is the root). */
  readonly changes: readonly string[];
}

/**
 * Keywords strict mode rejects. `format` is kept for the formats OpenAI
 * lists ({@link OPENAI_STRICT_FORMATS}) and removed for any other.
 */
export const OPENAI_STRICT_UNSUPPORTED_KEYWORDS: readonly string[] = Object.freeze([
  "minLength",
  "maxLength",
  "patternProperties",
  "unevaluatedProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "unevaluatedItems",
  "contains",
  "minContains",
  "maxContains",
  "uniqueItems",
  "not",
  "dependentRequired",
  "dependentSchemas",
  "if",
  "then",
  "else",
]);

/** The string formats strict mode supports. */
export const OPENAI_STRICT_FORMATS: ReadonlySet<string> = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uuid",
]);

/** Keywords whose value is one subschema. */
const SUBSCHEMA_KEYWORDS = ["items", "additionalItems"] as const;
/** Keywords whose value is a list of subschemas. */
const SUBSCHEMA_LIST_KEYWORDS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;
/** Keywords whose value maps names to subschemas. */
const SUBSCHEMA_MAP_KEYWORDS = ["$defs", "definitions"] as const;

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

function isObjectSchema(schema: Schema): boolean {
  const type = schema.type;
  return (
    type === "object" ||
    (Array.isArray(type) && type.includes("object")) ||
    (type === undefined && isSchema(schema.properties))
  );
}

/** `schema` that also accepts `null`: `type` gains `"null"`, or the whole is wrapped in `anyOf`. */
function nullable(schema: Schema): Schema {
  const type = schema.type;
  const constrainsValues = "enum" in schema || "const" in schema;
  if (typeof type === "string" && !constrainsValues) {
    return type === "null" ? schema : { ...schema, type: [type, "null"] };
  }
  if (Array.isArray(type) && !constrainsValues) {
    return type.includes("null") ? schema : { ...schema, type: [...type, "null"] };
  }
  if (Array.isArray(schema.anyOf) && schema.anyOf.some((s) => isSchema(s) && s.type === "null")) {
    return schema;
  }
  return { anyOf: [schema, { type: "null" }] };
}

function strictNode(node: Schema, pointer: string, changes: string[]): Schema {
  const out: Schema = { ...node };
  for (const keyword of OPENAI_STRICT_UNSUPPORTED_KEYWORDS) {
    if (keyword in out) {
      delete out[keyword];
      changes.push(`${pointer}: removed ${keyword}`);
    }
  }
  if (typeof out.format === "string" && !OPENAI_STRICT_FORMATS.has(out.format)) {
    changes.push(`${pointer}: removed format "${out.format}"`);
    delete out.format;
  }
  for (const keyword of SUBSCHEMA_KEYWORDS) {
    const value = out[keyword];
    if (isSchema(value)) out[keyword] = strictNode(value, `${pointer}/${keyword}`, changes);
  }
  for (const keyword of SUBSCHEMA_LIST_KEYWORDS) {
    const value = out[keyword];
    if (Array.isArray(value)) {
      out[keyword] = value.map((item, index) =>
        isSchema(item) ? strictNode(item, `${pointer}/${keyword}/${index}`, changes) : item,
      );
    }
  }
  for (const keyword of SUBSCHEMA_MAP_KEYWORDS) {
    const value = out[keyword];
    if (isSchema(value)) {
      const mapped: Schema = {};
      for (const [name, item] of Object.entries(value)) {
        mapped[name] = isSchema(item)
          ? strictNode(item, `${pointer}/${keyword}/${escapePointer(name)}`, changes)
          : item;
      }
      out[keyword] = mapped;
    }
  }
  if (isObjectSchema(out)) closeObject(out, pointer, changes);
  return out;
}

/** Close an object node: no additional properties, every property required (optional ones nullable). */
function closeObject(out: Schema, pointer: string, changes: string[]): void {
  const properties = isSchema(out.properties) ? out.properties : {};
  const required = new Set(
    Array.isArray(out.required) ? out.required.filter((k) => typeof k === "string") : [],
  );
  const mapped: Schema = {};
  const optional: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const path = `${pointer}/properties/${escapePointer(name)}`;
    if (!isSchema(value)) {
      mapped[name] = value;
      continue;
    }
    const strict = strictNode(value, path, changes);
    if (required.has(name)) {
      mapped[name] = strict;
    } else {
      optional.push(name);
      mapped[name] = nullable(strict);
    }
  }
  if (isSchema(out.properties)) out.properties = mapped;
  if (out.additionalProperties !== false) {
    changes.push(
      out.additionalProperties === undefined
        ? `${pointer}: added additionalProperties: false`
        : `${pointer}: replaced additionalProperties with false`,
    );
    out.additionalProperties = false;
  }
  if (optional.length > 0) {
    changes.push(`${pointer}: made optional ${optional.join(", ")} required and nullable`);
  }
  const names = Object.keys(properties);
  const complete =
    Array.isArray(out.required) &&
    out.required.length === names.length &&
    names.every((name) => required.has(name));
  if (!complete && (names.length > 0 || out.required !== undefined)) {
    if (optional.length === 0) changes.push(`${pointer}: required lists exactly the properties`);
    out.required = [...[...required].filter((name) => names.includes(name)), ...optional];
  }
}

/**
 * `schema` in OpenAI's strict subset, and what changed (nothing for a schema
 * that already fits: then the result equals the input). Each object
 * (`type: "object"`, or `properties` without a type) gets
 * `additionalProperties: false` and lists every property in `required`; a
 * property that was optional becomes nullable (`type: [T, "null"]`, or
 * `anyOf: [T, {type: "null"}]` for a schema without a plain type or with
 * `enum`/`const`). Keywords strict mode rejects
 * ({@link OPENAI_STRICT_UNSUPPORTED_KEYWORDS}, an unlisted `format`) are
 * removed. `$ref`s are left as they are; `$defs`/`definitions`, `items`,
 * `prefixItems` and `anyOf`/`oneOf`/`allOf` members are rewritten alike.
 */
export function toOpenAIStrictSchema(schema: JsonSchema): OpenAIStrictSchema {
  const changes: string[] = [];
  const strict = strictNode(schema, "#", changes);
  return { schema: changes.length === 0 ? schema : strict, changes };
}
