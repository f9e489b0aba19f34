import { RatatoskrError, redactSecrets, registerSecret } from "@ratatoskr/core";
import { trackAbortListeners } from "@ratatoskr/testing";
import { afterEach, describe, expect, it } from "vitest";
import { loadApiKey, registerHeaderSecrets } from "./api-key.ts";
import { codeForStatus, httpError, networkError } from "./http-error.ts";
import { chunk, mapWithConcurrency } from "./map-with-concurrency.ts";
import { parseRetryAfterMs, readHeader } from "./retry-after.ts";
import { linkSignals, raceAbort } from "./signals.ts";

describe("parseRetryAfterMs", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it("prefers retry-after-ms, then seconds, then an HTTP date", () => {
    expect(parseRetryAfterMs({ "retry-after-ms": "250", "retry-after": "9" }, now)).toBe(250);
    expect(parseRetryAfterMs(new Headers({ "Retry-After": "2" }), now)).toBe(2000);
    expect(parseRetryAfterMs({ "retry-after": "Tue, 24 Nov 2026 12:00:30 GMT" }, now)).toBe(30_000);
  });
  it("returns undefined for absent, empty, negative or garbage values; a past date is 0", () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "" })).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "-3" })).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after-ms": "x", "retry-after": "1" }, now)).toBe(1000);
    expect(parseRetryAfterMs({ "retry-after-ms": "", "retry-after": "1" }, now)).toBe(1000);
    expect(parseRetryAfterMs({ "retry-after-ms": " " })).toBeUndefined();
    expect(parseRetryAfterMs({ "retry-after": "Tue, 24 Nov 2026 11:00:00 GMT" }, now)).toBe(0);
  });
  it("reads header records case-insensitively, taking the first of repeated values", () => {
    expect(readHeader({ "X-Thing": ["a", "b"] }, "x-thing")).toBe("a");
  });
});

describe("httpError", () => {
  it.each([
    [401, "authentication", false],
    [403, "authentication", false],
    [404, "model_not_found", false],
    [408, "timeout", true],
    [409, "http", true],
    [429, "rate_limited", true],
    [500, "provider", true],
    [503, "provider", true],
    [418, "http", false],
  ] as const)("maps %i to %s (retryable %s)", (status, code, retryable) => {
    const error = httpError({ status, provider: "p" });
    expect(error.code).toBe(code);
    expect(codeForStatus(status)).toBe(code);
    expect(error.isRetryable).toBe(retryable);
    expect(error.status).toBe(status);
  });
  it("recognises context-length 400s and keeps retry-after", () => {
    const error = httpError({
      status: 400,
      provider: "openai",
      body: '{"error":{"message":"This model\'s maximum context length is 128000 tokens"}}',
    });
    expect(error.code).toBe("context_length_exceeded");
    const limited = httpError({ status: 429, provider: "p", headers: { "retry-after": "3" } });
    expect(limited.retryAfterMs).toBe(3000);
    expect(limited.retryAfter).toBe(3);
  });
  it("lets a provider refine the code from the body", () => {
    const error = httpError({
      status: 400,
      provider: "p",
      body: "weird",
      classifyBody: () => "unsupported_parameter",
    });
    expect(error.code).toBe("unsupported_parameter");
  });
  it("redacts a registered key echoed in the body", () => {
    registerSecret("sk-test-canary-1234567890");
    const error = httpError({
      status: 401,
      provider: "p",
      body: "bad key sk-test-canary-1234567890",
    });
    expect(JSON.stringify(error.toJSON())).not.toContain("canary");
  });
});

describe("networkError", () => {
  it("names the URL and the system error code", () => {
    const cause = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const error = networkError("ollama", "http://localhost:11434", cause);
    expect(error.code).toBe("network");
    expect(error.message).toContain("http://localhost:11434");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.isRetryable).toBe(true);
  });
});

describe("loadApiKey", () => {
  afterEach(() => {
    delete process.env.RATATOSKR_TEST_KEY;
  });
  it("prefers the explicit key, then the environment variable", () => {
    process.env.RATATOSKR_TEST_KEY = "env-key-123456";
    expect(
      loadApiKey({
        apiKey: "explicit-key-1",
        environmentVariable: "RATATOSKR_TEST_KEY",
        provider: "p",
      }),
    ).toBe("explicit-key-1");
    expect(
      loadApiKey({ apiKey: undefined, environmentVariable: "RATATOSKR_TEST_KEY", provider: "p" }),
    ).toBe("env-key-123456");
  });
  it("throws an authentication error naming the variable when missing", () => {
    const call = () =>
      loadApiKey({ apiKey: undefined, environmentVariable: "RATATOSKR_TEST_KEY", provider: "p" });
    expect(call).toThrowError(/RATATOSKR_TEST_KEY/);
    try {
      call();
    } catch (error) {
      expect(RatatoskrError.isInstance(error, "authentication")).toBe(true);
    }
    expect(
      loadApiKey({
        apiKey: undefined,
        environmentVariable: "RATATOSKR_TEST_KEY",
        provider: "p",
        required: false,
      }),
    ).toBeUndefined();
  });
});

describe("registerHeaderSecrets", () => {
  it("registers credentials of Authorization, Proxy-Authorization, x-api-key and api-key headers, with and without their scheme", () => {
    const bearer = "canary-bearer-0123456789";
    const proxy = "canary-proxy-0123456789";
    const apiKey = "canary-api-key-0123456789";
    const azure = "canary-azure-0123456789";
    const harmless = "canary-not-a-credential-0123456789";
    registerHeaderSecrets({
      authorization: `Bearer ${bearer}`,
      "Proxy-Authorization": `Basic ${proxy}`,
      "X-Api-Key": apiKey,
      "api-key": azure,
      "X-Title": harmless,
    });
    expect(redactSecrets(`${bearer} ${proxy} ${apiKey} ${azure}`)).toBe(
      "[REDACTED] [REDACTED] [REDACTED] [REDACTED]",
    );
    expect(redactSecrets(harmless)).toBe(harmless);
    expect(() => registerHeaderSecrets(undefined)).not.toThrow();
  });
});

describe("linkSignals", () => {
  it("aborts when a parent aborts and removes its listeners on dispose", () => {
    const parent = new AbortController();
    const linked = linkSignals(parent.signal, undefined);
    parent.abort("why");
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe("why");
    const other = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = other.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    };
    linkSignals(signal).dispose();
    expect([added, removed]).toEqual([1, 1]);
  });
  it("starts aborted when a parent already is", () => {
    expect(linkSignals(AbortSignal.abort("x")).signal.aborted).toBe(true);
  });
});

describe("raceAbort", () => {
  it("settles with the promise and leaves no listener", async () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const listeners = trackAbortListeners(signal);
    await expect(raceAbort(Promise.resolve(7), signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error("no")), signal)).rejects.toThrow("no");
    expect(listeners.count).toBe(0);
  });
  it("rejects with aborted (or the signal's typed reason) as soon as the signal fires", async () => {
    const controller = new AbortController();
    const pending = raceAbort(new Promise(() => {}), controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    const timeout = new RatatoskrError({ code: "timeout", message: "t", timeoutKind: "total" });
    await expect(raceAbort(Promise.resolve(1), AbortSignal.abort(timeout))).rejects.toBe(timeout);
    await expect(raceAbort(Promise.resolve(1), undefined)).resolves.toBe(1);
  });
});

describe("chunk / mapWithConcurrency", () => {
  it("chunks in order", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });
  it("never runs more than the concurrency limit", async () => {
    let active = 0;
    let peak = 0;
    const results = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, undefined, async (value) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 2));
      active--;
      return value * 2;
    });
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
  it("the first failure aborts the workers in flight, starts no new item, and is rethrown", async () => {
    const started: number[] = [];
    const aborted: number[] = [];
    const failure = new Error("item 1 failed");
    const pending = mapWithConcurrency([0, 1, 2, 3], 2, undefined, (value, _index, signal) => {
      started.push(value);
      if (value === 1) return Promise.reject(failure);
      return new Promise((_resolve, reject) =>
        signal.addEventListener("abort", () => {
          aborted.push(value);
          reject(signal.reason);
        }),
      );
    });
    await expect(pending).rejects.toBe(failure);
    expect(started).toEqual([0, 1]);
    expect(aborted).toEqual([0]);
  });
});
