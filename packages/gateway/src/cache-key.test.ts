/**
 * Cache keys: the hash is SHA-256 whichever implementation computes it
 * (Node's `crypto` where there is one, Web Crypto elsewhere), so gateways
 * on different runtimes sharing one store build the same keys.
 */
import { describe, expect, it } from "vitest";
import { CACHE_FORMAT_VERSION, cacheKey, canonicalJson, keyHashing } from "./cache-key.ts";

/** SHA-256 through Web Crypto, as a browser computes it. */
async function webCryptoHex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("cache keys", () => {
  it("hash with SHA-256: the known answer, and the same as Web Crypto's for any text", async () => {
    expect(await keyHashing.sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    for (const text of ["", "héllo wörld", "🦫".repeat(100), "x".repeat(100_000)]) {
      expect(await keyHashing.sha256Hex(text)).toBe(await webCryptoHex(text));
    }
  });

  it("name the format version and hash the canonical encoding (member order does not matter)", async () => {
    const parts = {
      kind: "embed" as const,
      provider: "p",
      providerModel: "m",
      input: "hello",
      options: { b: 1, a: 2 },
    };
    const key = await cacheKey(parts);
    expect(key).toMatch(new RegExp(`^ratatoskr:${CACHE_FORMAT_VERSION}:[0-9a-f]{64}$`));
    expect(await cacheKey({ ...parts, options: { a: 2, b: 1 } })).toBe(key);
    expect(await cacheKey({ ...parts, input: "hello!" })).not.toBe(key);
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });
});
