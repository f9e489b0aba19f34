import { describe, expect, it } from "vitest";
import { bearerTokenMatches, unauthenticated } from "./bearer-auth.ts";

describe("bearerTokenMatches", () => {
  it("accepts exactly the token, case-insensitive scheme", () => {
    expect(bearerTokenMatches("Bearer s3cret", "s3cret")).toBe(true);
    expect(bearerTokenMatches("bearer s3cret", "s3cret")).toBe(true);
  });

  it("refuses a missing, empty, wrong, longer or shorter token, and other schemes", () => {
    for (const header of [
      undefined,
      null,
      "",
      "Bearer ",
      "Bearer s3crex",
      "Bearer s3cret-and-more",
      "Bearer s3cre",
      "Basic s3cret",
      "s3cret",
    ]) {
      expect(bearerTokenMatches(header, "s3cret")).toBe(false);
    }
  });

  it("never names the token in its error", () => {
    const error = unauthenticated();
    expect(error.code).toBe("authentication");
    expect(error.message).not.toContain("s3cret");
  });
});
