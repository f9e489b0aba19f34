import { describe, expect, it, vi } from "vitest";
import { abortedError, ERROR_CODES, RatatoskrError } from "./errors.ts";
import { redactSecrets, registerSecret } from "./secrets.ts";

describe("RatatoskrError", () => {
  it("is recognised across two copies of the module (global symbol marker)", async () => {
    vi.resetModules();
    const specifier = "./errors.ts?second-copy";
    const copy = (await import(/* @vite-ignore */ specifier)) as typeof import("./errors.ts");
    expect(copy.RatatoskrError).not.toBe(RatatoskrError);
    const foreign = new copy.RatatoskrError({ code: "rate_limited", message: "slow down" });
    expect(foreign instanceof RatatoskrError).toBe(false);
    expect(RatatoskrError.isInstance(foreign)).toBe(true);
    expect(RatatoskrError.isInstance(foreign, "rate_limited")).toBe(true);
    expect(RatatoskrError.isInstance(foreign, "network")).toBe(false);
    expect(
      copy.RatatoskrError.isInstance(new RatatoskrError({ code: "network", message: "x" })),
    ).toBe(true);
  });

  it("rejects look-alikes", () => {
    expect(RatatoskrError.isInstance(new Error("x"))).toBe(false);
    expect(RatatoskrError.isInstance({ code: "network", name: "RatatoskrError" })).toBe(false);
    expect(RatatoskrError.isInstance(null)).toBe(false);
    expect(RatatoskrError.isInstance("RatatoskrError")).toBe(false);
  });

  it("keeps cause, status, retryAfter and defaults isRetryable by code", () => {
    const cause = new Error("socket hang up");
    const error = new RatatoskrError({
      code: "rate_limited",
      message: "429",
      cause,
      status: 429,
      retryAfterMs: 1500,
    });
    expect(error.cause).toBe(cause);
    expect(error.retryAfter).toBe(1.5);
    expect(error.isRetryable).toBe(true);
    expect(new RatatoskrError({ code: "authentication", message: "no" }).isRetryable).toBe(false);
    expect(
      new RatatoskrError({ code: "provider", message: "5xx", isRetryable: true }).isRetryable,
    ).toBe(true);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RatatoskrError");
  });

  it("every code is a distinct stable string", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining([
        "timeout",
        "aborted",
        "model_not_available",
        "context_length_exceeded",
      ]),
    );
  });

  it("toJSON never contains a secret: registered keys, key shapes, bearer tokens, nested fields", () => {
    const canary = "canary-secret-value-9f8e7d";
    // Shaped like an OpenRouter key (built at run time so no key-shaped literal is committed).
    const keyShaped = `sk-or-v1-${"0123456789abcdef".repeat(2)}`;
    registerSecret(canary);
    const error = new RatatoskrError({
      code: "authentication",
      message: `Invalid key ${canary} (Authorization: Bearer abcdefghijklmnop)`,
      body: `{"error":"bad key ${keyShaped}","api_key":"${canary}"}`,
      cause: new Error(`request with x-api-key: ${canary}`),
      details: { nested: { header: `Bearer ${canary}` }, list: [canary] },
      partial: { content: `echo ${canary}` },
    });
    const serialized = JSON.stringify(error.toJSON());
    expect(serialized).not.toContain(canary);
    expect(serialized).not.toContain(keyShaped);
    expect(serialized).not.toContain("abcdefghijklmnop");
    expect(error.message).not.toContain(canary);
    expect(error.body).not.toContain(canary);
    expect(serialized).toContain("[REDACTED]");
    expect(error.toJSON()).toMatchObject({
      name: "RatatoskrError",
      code: "authentication",
      isRetryable: false,
    });
  });

  it("truncates huge bodies", () => {
    const error = new RatatoskrError({ code: "http", message: "x", body: "a".repeat(100_000) });
    expect(error.body!.length).toBe(4096);
  });

  it("abortedError uses a RatatoskrError reason (e.g. a timeout) as is", () => {
    const timeout = new RatatoskrError({ code: "timeout", message: "t", timeoutKind: "idle" });
    const controller = new AbortController();
    controller.abort(timeout);
    expect(abortedError(controller.signal)).toBe(timeout);
    const plain = abortedError(AbortSignal.abort(), { content: "so far" });
    expect(plain).toMatchObject({ code: "aborted", partial: { content: "so far" } });
  });
});

describe("redactSecrets", () => {
  it("redacts known key shapes without registration and leaves ordinary text alone", () => {
    expect(redactSecrets("key sk-ant-api03-abcdefghijkl end")).toBe("key [REDACTED] end");
    expect(redactSecrets("token hf_abcdefghijklmnopqrstu")).toBe("token [REDACTED]");
    expect(redactSecrets("Authorization: Bearer abc.def-ghi_jkl")).toBe(
      "Authorization: Bearer [REDACTED]",
    );
    expect(redactSecrets('{"api_key": "abcdefgh12"}')).toBe('{"api_key": "[REDACTED]"}');
    expect(redactSecrets("the task is done")).toBe("the task is done");
  });
  it("ignores very short registered values", () => {
    registerSecret("abc");
    expect(redactSecrets("abc abc")).toBe("abc abc");
  });
});
