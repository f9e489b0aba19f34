/**
 * Configuration errors: a `configuration` {@link RatatoskrError} whose
 * message names the file, the key and the problem, with the file and key
 * also in `details`.
 */
import { RatatoskrError } from "@ratatoskr/core";

/**
 * A `configuration` error: `<file>: <key> — <problem>` (the key part left
 * out when the problem is the file's as a whole). The dash, not a colon,
 * follows the key: core's redaction would take `api_key: <word>` for a
 * key and its value.
 */
export function configError(
  file: string,
  key: string | undefined,
  problem: string,
): RatatoskrError {
  return new RatatoskrError({
    code: "configuration",
    message: key === undefined ? `${file}: ${problem}` : `${file}: ${key} — ${problem}`,
    details: key === undefined ? { file } : { file, key },
  });
}

/** How a TOML value is named in an error ("a string", "an integer", "a table"…), never its content. */
export function describeType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  switch (typeof value) {
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "bigint":
      return "an integer";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a float";
    case "object":
      return value === null ? "nothing" : "a table";
    default:
      return typeof value;
  }
}
