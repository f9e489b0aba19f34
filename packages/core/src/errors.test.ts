import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { abortedError, ERROR_CODES, RatatoskrError } from "./errors.ts";
import { redactAndTruncate, redactSecrets, registerSecret } from "./secrets.ts";

/** Registered like a provider's key; not shaped like any real key. */
const CANARY = "canary-core-0123456789-abcdefghij";
registerSecret(CANARY);

/** Every way Node and a logger show an error. */
function everyRendering(error: unknown): string {
  return [
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    String(error),
    (error as Error).stack,
    JSON.stringify(error),
  ].join("\n");
}

/** An SDK-style error: it keeps the request's headers and the raw body. */
class FakeSdkError extends Error {
  override name = "AuthenticationError";
  readonly status = 401;
  readonly code = "invalid_api_key";
  readonly headers = new Headers({ "x-echo": CANARY });
  readonly request = { headers: { authorization: `Bearer ${CANARY}` } };
  readonly error = { message: `bad key ${CANARY}` };
  constructor() {
    super(`401 Incorrect key provided: ${CANARY}`);
  }
}

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
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).toMatchObject({ name: "Error", message: "socket hang up" });
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

  it.each([1, 10, CANARY.length - 1])(
    "redacts a key that the 4 KiB body cut would split (%i characters before the cut)",
    (before) => {
      const body = `${"a".repeat(4096 - before)}${CANARY}${"b".repeat(100)}`;
      const error = new RatatoskrError({ code: "http", message: "x", body });
      expect(error.body!.length).toBe(4096);
      expect(error.body).not.toContain(CANARY.slice(0, Math.min(before, 8)));
    },
  );

  it("prints no registered key however it is shown: inspect, console, stack, String, JSON, cause chain", () => {
    const inner = new FakeSdkError();
    const aggregate = new AggregateError(
      [new TypeError(`connect failed with ${CANARY}`), { note: CANARY }],
      `all attempts failed (${CANARY})`,
      { cause: inner },
    );
    const error = new RatatoskrError({
      code: "authentication",
      message: `401 ${CANARY}`,
      reason: CANARY,
      cause: new Error(`wrapped ${CANARY}`, { cause: aggregate }),
      body: `{"echo":"${CANARY}"}`,
      details: { nested: { header: CANARY }, list: [CANARY], headers: new Headers({ a: CANARY }) },
      partial: {
        content: `echo ${CANARY}`,
        reasoning: CANARY,
        toolCalls: [{ id: "1", name: "f", arguments: `{"k":"${CANARY}"}`, complete: false }],
      },
    });
    const printed: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      printed.push(args.map((arg) => inspect(arg, { depth: Number.POSITIVE_INFINITY })).join(" "));
    });
    console.error(error);
    spy.mockRestore();
    const everything = `${everyRendering(error)}\n${printed.join("\n")}`;
    expect(everything).toContain("AuthenticationError"); // the chain is printed…
    expect(everything).not.toContain(CANARY); // …without the key
    expect(everything).not.toContain("Headers {");
  });

  it("keeps the cause useful: name, message, code, status, stack, class of built-ins, nested causes", () => {
    const error = new RatatoskrError({
      code: "authentication",
      message: "401",
      cause: new FakeSdkError(),
    });
    const cause = error.cause as Record<string, unknown> & Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe("AuthenticationError");
    expect(cause.message).toBe("401 Incorrect key provided: [REDACTED]");
    expect([cause.status, cause.code]).toEqual([401, "invalid_api_key"]);
    expect(cause.stack).toContain("errors.test.ts");
    expect(cause.stack).not.toContain(CANARY);
    expect(cause.headers).toBeUndefined();
    expect(cause.request).toBeUndefined();
    expect(cause.error).toBeUndefined();

    const system = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED", port: 1 }),
    });
    const network = new RatatoskrError({ code: "network", message: "x", cause: system });
    expect(network.cause).toBeInstanceOf(TypeError);
    expect((network.cause as Error).cause).toMatchObject({ code: "ECONNREFUSED", port: 1 });

    const typed = new RatatoskrError({ code: "timeout", message: "t" });
    expect(new RatatoskrError({ code: "stream", message: "s", cause: typed }).cause).toBe(typed);
  });

  it("copies a cyclic cause chain, a DOMException, a plain object and a hostile proxy without hanging or throwing", () => {
    const first = new Error(`first ${CANARY}`);
    const second = new Error("second", { cause: first });
    (first as { cause?: unknown }).cause = second;
    const cyclic = new RatatoskrError({ code: "provider", message: "x", cause: first });
    expect(everyRendering(cyclic)).not.toContain(CANARY);
    const cause = cyclic.cause as Error & { cause: Error & { cause: unknown } };
    expect(cause.cause.cause).toBe(cause);

    const aborted = abortedError(AbortSignal.abort());
    expect(aborted.cause).toMatchObject({ name: "AbortError" });

    const plain = new RatatoskrError({
      code: "provider",
      message: "x",
      cause: { message: CANARY, response: new Response("x"), count: 2 },
    });
    expect(plain.cause).toEqual({ message: "[REDACTED]", response: "[Response]", count: 2 });

    const hostile = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error(CANARY);
        },
      },
    );
    const safe = new RatatoskrError({ code: "provider", message: "x", cause: hostile });
    expect(safe.cause).toBe("[could not be copied]");
  });

  it("keeps delivered text byte for byte in partial (only registered keys go)", () => {
    const text = "use `Authorization: Bearer abcdefghijkl` and token=abcdefgh";
    const error = new RatatoskrError({
      code: "stream",
      message: "cut",
      partial: { content: `${text} ${CANARY}` },
    });
    expect(error.partial?.content).toBe(`${text} [REDACTED]`);
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
  it("redacts the start of a registered key that someone else's cut left at the end", () => {
    expect(redactSecrets(`message: ${CANARY.slice(0, -1)}`)).toBe("message: [REDACTED]");
    expect(redactSecrets(`message: ${CANARY.slice(0, 12)}`)).toBe("message: [REDACTED]");
    expect(redactSecrets("message: canary")).toBe("message: canary");
  });
  it("leaves a word that merely starts a registered key alone: a key that begins with its provider's id", () => {
    const key = "wordykey-canary-0123456789";
    registerSecret(key);
    expect(redactSecrets("wordykey")).toBe("wordykey");
    expect(redactSecrets("provider wordykey-")).toBe("provider wordykey-");
    const error = new RatatoskrError({
      code: "authentication",
      message: "rejected by wordykey",
      provider: "wordykey",
    });
    expect(error.provider).toBe("wordykey");
    expect(error.message).toBe("rejected by wordykey");
    // A cut that leaves key material past the leading word is still redacted, and so is the key.
    expect(redactSecrets(`body: ${key.slice(0, 13)}`)).toBe("body: [REDACTED]");
    expect(redactSecrets(`body: ${key}`)).toBe("body: [REDACTED]");
  });
  it("redactAndTruncate redacts first, then cuts", () => {
    const text = `${"x".repeat(20)}${CANARY}`;
    expect(redactAndTruncate(text, 25)).toBe(`${"x".repeat(20)}[REDA`);
    expect(redactAndTruncate("short", 25)).toBe("short");
  });
  it("ignores very short registered values", () => {
    registerSecret("abc");
    expect(redactSecrets("abc abc")).toBe("abc abc");
  });
});
