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

/** The part of `node:crypto` the keys use. */
interface NodeHashing {
  createHash(algorithm: "sha256"): { update(data: string): { digest(encoding: "hex"): string } };
}

/**
 * Node's `crypto`, reached without an import (the gateway also runs in
 * browsers, which have only Web Crypto): `process.getBuiltinModule` exists
 * from Node 20.16. Its synchronous hash is about 14 times cheaper than Web
 * Crypto's `digest` for a key-sized text (2.4 µs against 34 µs, measured on
 * Node 24), which is most of what a memory-cache hit costs.
 */
const nodeHashing = (() => {
  try {
    const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process?.getBuiltinModule;
    const crypto = typeof getBuiltin === "function" ? getBuiltin("node:crypto") : undefined;
    return typeof (crypto as NodeHashing | undefined)?.createHash === "function"
      ? (crypto as NodeHashing)
      : undefined;
  } catch {
    return undefined;
  }
})();

/** SHA-256 of a text as lowercase hex: Node's hash when there is one, else Web Crypto's. */
async function sha256Hex(text: string): Promise<string> {
  if (nodeHashing !== undefined) return nodeHashing.createHash("sha256").update(text).digest("hex");
  const digest = await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(text));
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** How keys are hashed (tests spy on it to prove a gateway without a cache hashes nothing). */
export const keyHashing = { sha256Hex };

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
  return `ratatoskr:${CACHE_FORMAT_VERSION}:${await keyHashing.sha256Hex(encoded)}`;
}
