import { describe, expect, it } from "vitest";
import { type CacheUnavailableWarning, describeWarning } from "./warning.ts";

describe("describeWarning", () => {
  it("describes the gateway's cache_unavailable warning", () => {
    const warning: CacheUnavailableWarning = {
      type: "cache_unavailable",
      store: "redis",
      details: "connection refused",
      provider: "acme",
    };
    expect(describeWarning(warning)).toBe(
      'the response cache "redis" is unavailable (connection refused)',
    );
  });
});
