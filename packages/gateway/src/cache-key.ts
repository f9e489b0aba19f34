/**
 * The response cache's keys: SHA-256 (Web Crypto, so the gateway stays
 * runtime-neutral) of a canonical JSON encoding of everything that decides
 * the answer — the cache-format version, what was asked (the cached call's
 * kind), the provider and provider model, the input and the options that
 * change the result. Reliability options (signal, deadlines, retries,
 * fallbacks, strict, cache) never take part.
 */

/**
 * The cache-format version: part of every key, raised whenever the encoding
 * of keys or values changes, so entries of an older format are never read.
 */
export const CACHE_FORMAT_VERSION = 1;

/** The parts of one cache key. */
export interface CacheKeyParts {
  /** The cached call's kind (`embed`, `tokenize`, …). */
  readonly kind: string;
  readonly provider: string;
  readonly providerModel: string;
  /** The input (a text, a pair, messages, …). */
  readonly input: unknown;
  /** The options that change the result (a provider's own options, settings, …). */
  readonly options: unknown;
}

/**
 * `value` as JSON with object keys sorted and `undefined` members left out,
 * so equal values encode alike whatever the order their keys were set in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const encoded = JSON.stringify(value);
    return encoded === undefined ? "null" : encoded;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === "function") continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(",")}}`;
}

const encoder = new TextEncoder();

/** The cache key of `parts`: `ratatoskr:<version>:<hex SHA-256 of the canonical encoding>`. */
export async function cacheKey(parts: CacheKeyParts): Promise<string> {
  const encoded = canonicalJson({
    version: CACHE_FORMAT_VERSION,
    kind: parts.kind,
    provider: parts.provider,
    providerModel: parts.providerModel,
    input: parts.input,
    options: parts.options,
  });
  const digest = await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(encoded));
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return `ratatoskr:${CACHE_FORMAT_VERSION}:${hex}`;
}
