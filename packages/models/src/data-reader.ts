/**
 * Reading untrusted JSON into typed records (internal): every problem is a
 * {@link RatatoskrError} that names where it is (`models[3].info.id`) and
 * what was there, with the path in `details.field`. Registry files fail
 * with `data` (a document had the wrong shape); values a caller passed
 * (user presets) fail with `invalid_input`.
 */
import { type ErrorCode, RatatoskrError } from "@ratatoskr/core";

/** Where a document came from and how its problems are reported. */
export interface DataReader {
  /** Names the document in messages (`registry`, `registry from https://…`, `userPresets`). */
  readonly origin: string;
  readonly code: Extract<ErrorCode, "data" | "invalid_input">;
  /** Things worth knowing that do not stop the load (a duplicate id, a preset naming an unknown model). */
  readonly warnings: string[];
  /**
   * Whether the document is the reader's own (just parsed here, shared with
   * no one): its objects may then be frozen and kept instead of copied.
   */
  readonly owned: boolean;
}

/** A reader for `origin` that reports with `code`. */
export function dataReader(
  origin: string,
  code: DataReader["code"] = "data",
  { owned = false }: { owned?: boolean } = {},
): DataReader {
  return { origin, code, warnings: [], owned };
}

/** The error for `path` in the reader's document: `${origin}: ${path} ${problem}`. */
export function dataError(reader: DataReader, path: string, problem: string): RatatoskrError {
  return new RatatoskrError({
    code: reader.code,
    message: `${reader.origin}: ${path === "" ? "the document" : path} ${problem}`,
    details: { field: path, origin: reader.origin },
  });
}

/** A short, bounded description of `value` for a message (never the whole of a long string). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "object" ? "an object" : typeof value;
}

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` as an object, else the error for `path`. */
export function readRecord(
  reader: DataReader,
  value: unknown,
  path: string,
): Record<string, unknown> {
  if (!isRecord(value))
    throw dataError(reader, path, `must be an object, got ${describeValue(value)}`);
  return value;
}

/** `value` as a non-empty string, else the error for `path`. */
export function readText(reader: DataReader, value: unknown, path: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw dataError(reader, path, `must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` as a finite number (at least `minimum` when given), else the error for `path`. */
export function readNumber(
  reader: DataReader,
  value: unknown,
  path: string,
  minimum?: number,
): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw dataError(reader, path, `must be a finite number, got ${describeValue(value)}`);
  }
  if (minimum !== undefined && value < minimum) {
    throw dataError(reader, path, `must be at least ${minimum}, got ${value}`);
  }
  return value;
}

/** `value` as a non-negative safe integer, else the error for `path`. */
export function readCount(reader: DataReader, value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw dataError(reader, path, `must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` as a boolean, else the error for `path`. */
export function readBoolean(reader: DataReader, value: unknown, path: string): boolean {
  if (typeof value !== "boolean") {
    throw dataError(reader, path, `must be true or false, got ${describeValue(value)}`);
  }
  return value;
}

/** `value` when it is one of `allowed`, else the error for `path` listing them. */
export function readChoice<T extends string>(
  reader: DataReader,
  value: unknown,
  path: string,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw dataError(
      reader,
      path,
      `must be one of ${allowed.map((choice) => `"${choice}"`).join(", ")}, got ${describeValue(value)}`,
    );
  }
  return value as T;
}

/** A JSON path step: `.name` for identifiers, `["odd name"]` otherwise. */
export function pathKey(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key)
    ? `${path}${path === "" ? "" : "."}${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/** `value` (plain JSON data) frozen all the way down, so a shared record cannot be changed through it. */
export function freezeJson<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freezeJson(child);
  }
  return value;
}

/** A frozen deep copy of `value`, which must be plain data (no functions, symbols or class instances). */
export function readJsonData<T>(reader: DataReader, value: T, path: string): T {
  let copy: T;
  try {
    copy = structuredClone(value);
  } catch {
    throw dataError(reader, path, "must be plain JSON data");
  }
  return freezeJson(copy);
}
