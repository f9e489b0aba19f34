/**
 * The `invalid_input` error of one field, and a short description of a bad
 * value for its message (internal to core: not exported from the package
 * entry). Validators build the field's path only when they throw, so a valid
 * request allocates nothing here.
 */
import { invalidInput, type RatatoskrError } from "./errors.ts";

/** An `invalid_input` error saying `${field} ${problem}`, with `details.field`. */
export function invalidField(field: string, problem: string): RatatoskrError {
  return invalidInput(`${field} ${problem}`, { field });
}

/** A short, bounded description of `value` for an error message (never the whole of a long string). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    return value.length > 40 ? `a string of ${value.length} characters` : `"${value}"`;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
