/**
 * Conversions of single values between TypeScript and the wire (internal:
 * not exported from the package entry): 32-bit floats, unsigned integers,
 * 64-bit seeds and JSON text, each failing with a typed error that names the
 * field. What a caller or client sent (a request) fails as `invalid_input`;
 * what a server or provider produced (a response) fails as `data`.
 */
import { RatatoskrError } from "@ratatoskr/core";

/** Which side of a call a value belongs to: its failures are the caller's fault, or the answerer's. */
export type WireSide = "request" | "response";

const UINT32_MAX = 0xffff_ffff;

/** The error of a value that cannot cross the wire: `invalid_input` for requests, `data` for responses. */
export function wireError(side: WireSide, field: string, problem: string): RatatoskrError {
  return new RatatoskrError({
    code: side === "request" ? "invalid_input" : "data",
    message: `${field} ${problem}`,
    details: { field },
  });
}

/**
 * The shortest decimal that a 32-bit float stands for: `0.7` crosses the wire
 * as 0.699999988079071 and comes back as `0.7`. Other values pass unchanged.
 */
export function fromFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/** A finite number for a `float` field (NaN and infinities fail). */
export function toFloat32(value: number, side: WireSide, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw wireError(side, field, `must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** An integer from 0 to 2³²−1 for a `uint32` field. */
export function toUint32(value: number, side: WireSide, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw wireError(
      side,
      field,
      `must be an integer from 0 to ${UINT32_MAX}, got ${describe(value)}`,
    );
  }
  return value;
}

/** A non-negative safe integer for a `uint64` field (a seed). */
export function toUint64(value: number, side: WireSide, field: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw wireError(
      side,
      field,
      `must be a non-negative integer to cross the wire (uint64), got ${describe(value)}`,
    );
  }
  return BigInt(value);
}

/** A `uint64` field's value as a number, when it is a safe integer. */
export function fromUint64(value: bigint, side: WireSide, field: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw wireError(
      side,
      field,
      `must be at most ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER), got ${value}`,
    );
  }
  return Number(value);
}

/** JSON text of a value for a `*_json` field; `undefined` is the empty string. */
export function toJsonText(value: unknown, side: WireSide, field: string): string {
  if (value === undefined) return "";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw wireError(
      side,
      field,
      `must be JSON-serialisable (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (text === undefined)
    throw wireError(side, field, `must be JSON-serialisable, got ${describe(value)}`);
  return text;
}

/** The value of a `*_json` field; the empty string is `undefined`. */
export function fromJsonText(text: string, side: WireSide, field: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw wireError(side, field, `must be JSON text, got ${describe(text)}`);
  }
}

/** A JSON object from a `*_json` field (a schema, provider options). */
export function fromJsonObject(
  text: string,
  side: WireSide,
  field: string,
): Record<string, unknown> {
  const value = fromJsonText(text, side, field);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw wireError(side, field, `must be a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A short description of a bad value, never the whole of a long string. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    if (value === "") return "an empty string";
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  return typeof value === "object" ? "an object" : typeof value;
}
