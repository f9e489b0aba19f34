/**
 * Parse the wait a server asks for: `retry-after-ms` (milliseconds) first,
 * then `retry-after` as seconds or an HTTP date.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */

/** Anything with a case-insensitive `get`, or a plain header record. */
export type HeaderSource =
  | {
      /** The header's value (`null` or `undefined` when absent); `name` in any case. */
      get(name: string): string | null | undefined;
    }
  | Record<string, string | string[] | undefined>
  | undefined
  | null;

/** Read one header from a `Headers`-like object or a plain record (case-insensitive). */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null | undefined }).get(name) ?? undefined;
  }
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(
    headers as Record<string, string | string[] | undefined>,
  )) {
    if (key.toLowerCase() === lower) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Milliseconds to wait before retrying, or undefined when the headers do not
 * say (or say something unparseable or negative).
 */
export function parseRetryAfterMs(
  headers: HeaderSource,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = readHeader(headers, "retry-after-ms");
  if (milliseconds !== undefined && milliseconds.trim() !== "") {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = readHeader(headers, "retry-after");
  if (retryAfter === undefined || retryAfter.trim() === "") return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
