import { describe, expect, it } from "vitest";
import { isCredentialName, REDACTED, redactHeaders, redactUrl, registerSecret } from "./secrets.ts";

/** Key-shaped, built at run time (no key literal in the source). */
const CANARY = ["sk", "display", "canary", "0123456789abcdef"].join("-");

describe("isCredentialName", () => {
  it("knows the credential headers of every provider and key-like names", () => {
    for (const name of [
      "Authorization",
      "proxy-authorization",
      "x-api-key",
      "api-key",
      "x-goog-api-key",
      "Cookie",
      "set-cookie",
      "x-hf-token",
      "openrouter-key",
      "access_token",
      "client_secret",
    ]) {
      expect(isCredentialName(name), name).toBe(true);
    }
    for (const name of ["content-type", "accept", "anthropic-version", "x-request-id", "alt"]) {
      expect(isCredentialName(name), name).toBe(false);
    }
  });
});

describe("redactHeaders", () => {
  it("redacts credential headers whole and registered keys elsewhere, names lower-cased", () => {
    registerSecret(CANARY);
    const expected = {
      authorization: REDACTED,
      "x-api-key": REDACTED,
      "content-type": "application/json",
      "x-echo": `got ${REDACTED}`,
    };
    const plain = {
      Authorization: `Bearer ${CANARY}`,
      "X-Api-Key": CANARY,
      "Content-Type": "application/json",
      "X-Echo": `got ${CANARY}`,
    };
    expect(redactHeaders(plain)).toEqual(expected);
    expect(redactHeaders(new Headers(plain))).toEqual(expected);
    expect(redactHeaders(Object.entries(plain))).toEqual(expected);
  });
});

describe("redactUrl", () => {
  it("redacts key-like query parameters and user-info, keeps the rest", () => {
    const url = `https://user:${CANARY}@api.example/v1/models/x:generate?key=${CANARY}&alt=sse&sig=abc`;
    const redacted = redactUrl(url);
    expect(redacted).not.toContain(CANARY);
    expect(redacted).toBe(
      `https://REDACTED:REDACTED@api.example/v1/models/x:generate?key=${REDACTED}&alt=sse&sig=${REDACTED}`,
    );
    expect(redactUrl("http://127.0.0.1:8080/v1/chat/completions")).toBe(
      "http://127.0.0.1:8080/v1/chat/completions",
    );
  });

  it("redacts registered keys in text that is not a URL", () => {
    registerSecret(CANARY);
    expect(redactUrl(`not a url ${CANARY}`)).toBe(`not a url ${REDACTED}`);
  });
});
