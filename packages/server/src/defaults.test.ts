import { describe, expect, it } from "vitest";
import { DEFAULT_HOST, DEFAULT_PORT } from "./index.ts";

describe("defaults", () => {
  it("listen on loopback, on the original daemon's port", () => {
    expect(DEFAULT_HOST).toBe("127.0.0.1");
    expect(DEFAULT_PORT).toBe(9741);
  });
});
