import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_TRAITS, errorTraits, RatatoskrError } from "./index.ts";

describe("the error-trait table", () => {
  it("has one row per error code", () => {
    expect(Object.keys(ERROR_TRAITS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it("is where a new error's default isRetryable comes from", () => {
    for (const code of ERROR_CODES) {
      const error = new RatatoskrError({ code, message: "m" });
      expect(error.isRetryable, code).toBe(ERROR_TRAITS[code].retryable);
    }
  });

  it("never retries what the error cannot change, and lets the error decide where it can", () => {
    const decides = ERROR_CODES.filter(
      (code) => !ERROR_TRAITS[code].retryable && ERROR_TRAITS[code].retryableWhenMarked,
    );
    expect(decides.sort()).toEqual([
      "data",
      "empty_response",
      "http",
      "json",
      "provider",
      "stream",
    ]);
    for (const code of ["network", "rate_limited", "timeout"] as const) {
      expect(ERROR_TRAITS[code]).toMatchObject({ retryable: true, retryableWhenMarked: true });
    }
    for (const code of [
      "authentication",
      "invalid_input",
      "aborted",
      "model_not_available",
    ] as const) {
      expect(ERROR_TRAITS[code]).toMatchObject({ retryable: false, retryableWhenMarked: false });
    }
  });

  it("treats the caller's own total deadline as final: no retry, no fallback, no cool-down", () => {
    const total = new RatatoskrError({ code: "timeout", timeoutKind: "total", message: "late" });
    expect(errorTraits(total)).toMatchObject({
      retryable: false,
      retryableWhenMarked: false,
      fallback: false,
      cooldown: false,
      httpStatus: 504,
    });
    const idle = new RatatoskrError({ code: "timeout", timeoutKind: "idle", message: "silent" });
    expect(errorTraits(idle)).toBe(ERROR_TRAITS.timeout);
  });
});
