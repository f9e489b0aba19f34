import { RatatoskrError } from "@ratatoskr/core";
import { BAD_BASE_URLS, expectBaseURLRejected } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { validateBaseURL } from "./base-url.ts";

const check = (value: unknown, setting = "baseURL") =>
  validateBaseURL(value, { setting, provider: "example" });

describe("validateBaseURL", () => {
  it("returns an http(s) URL without its trailing slashes", () => {
    expect(check("https://api.example.com/v1/")).toBe("https://api.example.com/v1");
    expect(check("http://127.0.0.1:11434")).toBe("http://127.0.0.1:11434");
    expect(check("http://[::1]:8080/v1")).toBe("http://[::1]:8080/v1");
    // An "@" after the host is part of the path, not credentials.
    expect(check("https://api.example.com/users/@me")).toBe("https://api.example.com/users/@me");
  });

  it("refuses credentials, unparsable URLs and other schemes with invalid_input naming the setting", () => {
    expectBaseURLRejected((url) => check(url, "hubURL"), "hubURL");
    expect(BAD_BASE_URLS.length).toBeGreaterThan(5);
  });

  it("shows a refused URL with its credentials masked, so the mistake is recognisable", () => {
    let thrown: unknown;
    try {
      check("https://someone:hunter2-password@api.example.com/v1");
    } catch (error) {
      thrown = error;
    }
    expect(RatatoskrError.isInstance(thrown, "invalid_input")).toBe(true);
    const error = thrown as RatatoskrError;
    expect(error.message).toBe(
      'example: baseURL must not contain credentials (user:password@); pass the key as apiKey or in a header instead, got "https://***@api.example.com/v1"',
    );
    expect(error.provider).toBe("example");
    expect(error.details).toEqual({ setting: "baseURL" });
  });

  it.each([
    [undefined, "undefined"],
    [42, "number"],
    ["", "an empty string"],
    ["   ", "an empty string"],
  ])("refuses %j: not a URL string (%s)", (value, shown) => {
    expect(() => check(value)).toThrowError(shown);
  });
});
