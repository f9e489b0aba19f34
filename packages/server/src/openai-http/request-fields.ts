/**
 * Readers of an OpenAI request body's fields: each returns the field's value
 * when it has the expected JSON type (or is absent or `null`), and throws an
 * `invalid_input` error naming the field otherwise, never a `TypeError`.
 */
import { invalidInput, type RatatoskrError } from "@ratatoskr/core";

/** A decoded JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short, bounded description of a bad value, for messages (never a long string's text). */
export function describeJson(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}

/** The `invalid_input` error of one request field (`details.field` names it, as OpenAI's `param`). */
export function invalidField(field: string, problem: string): RatatoskrError {
  return invalidInput(`${field} ${problem}`, { field });
}

/** `value` must be of `expected` kind: the error saying what it is instead. */
function wrongType(field: string, expected: string, value: unknown): RatatoskrError {
  return invalidField(field, `must be ${expected}, not ${describeJson(value)}`);
}

/** An object field (absent or null: undefined). */
export function optionalObject(value: unknown, field: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw wrongType(field, "an object", value);
  return value;
}

/** An object field that must be present. */
export function requiredObject(value: unknown, field: string): JsonObject {
  const object = optionalObject(value, field);
  if (object === undefined) throw invalidField(field, "is required");
  return object;
}

/** A string field (absent or null: undefined). */
export function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw wrongType(field, "a string", value);
  return value;
}

/** A string field that must be present and not empty. */
export function requiredString(value: unknown, field: string): string {
  const text = optionalString(value, field);
  if (text === undefined || text === "") throw invalidField(field, "is required");
  return text;
}

/** A number field (absent or null: undefined); the gateway checks its range. */
export function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw wrongType(field, "a number", value);
  }
  return value;
}

/** An integer field (absent or null: undefined). */
export function optionalInteger(value: unknown, field: string): number | undefined {
  const number = optionalNumber(value, field);
  if (number !== undefined && !Number.isInteger(number)) {
    throw wrongType(field, "an integer", value);
  }
  return number;
}

/** A boolean field (absent or null: undefined). */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw wrongType(field, "a boolean", value);
  return value;
}

/** An array field (absent or null: undefined). */
export function optionalArray(value: unknown, field: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(field, "an array", value);
  return value;
}

/** One of `allowed` strings (absent or null: undefined). */
export function optionalEnum<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const text = optionalString(value, field);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw invalidField(
      field,
      `must be one of ${allowed.map((item) => `"${item}"`).join(", ")}, not ${describeJson(value)}`,
    );
  }
  return text as T;
}

/** A string or an array of strings, as `stop` (absent or null: undefined). */
export function optionalStringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) throw wrongType(field, "a string or an array of strings", value);
  return value.map((item, index) => {
    if (typeof item !== "string") throw wrongType(`${field}[${index}]`, "a string", item);
    return item;
  });
}

/**
 * A field that this server cannot honour beyond its default: `accepted`
 * values pass (the default), anything else is an `invalid_input` error
 * saying why.
 */
export function rejectUnlessDefault(
  value: unknown,
  field: string,
  accepted: readonly unknown[],
  why: string,
): void {
  if (value === undefined || value === null || accepted.includes(value)) return;
  throw invalidField(field, `is not supported (${why})`);
}
