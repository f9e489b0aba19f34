import { describe, expect, it } from "vitest";
import { assertContextFitRequest, assertModelInfoOptions } from "./assert-model-info.ts";
import { RatatoskrError } from "./errors.ts";
import { Message } from "./messages.ts";

function fieldOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    if (!RatatoskrError.isInstance(error, "invalid_input")) throw error;
    return (error.details as { field?: string } | undefined)?.field;
  }
  return undefined;
}

describe("assertModelInfoOptions", () => {
  it("accepts nothing, or signal, timeout and providerOptions (and providers when asked)", () => {
    expect(fieldOf(() => assertModelInfoOptions(undefined))).toBeUndefined();
    const signal = new AbortController().signal;
    expect(
      fieldOf(() => assertModelInfoOptions({ signal, timeout: 10, providerOptions: {} })),
    ).toBeUndefined();
    expect(fieldOf(() => assertModelInfoOptions({ providers: ["a"] }, true))).toBeUndefined();
  });

  it("names the field of every mistake", () => {
    expect(fieldOf(() => assertModelInfoOptions(null))).toBe("options");
    expect(fieldOf(() => assertModelInfoOptions([]))).toBe("options");
    expect(fieldOf(() => assertModelInfoOptions({ sigal: 1 }))).toBe("options.sigal");
    expect(fieldOf(() => assertModelInfoOptions({ providers: ["a"] }))).toBe("options.providers");
    expect(fieldOf(() => assertModelInfoOptions({ providers: [""] }, true))).toBe(
      "options.providers",
    );
    expect(fieldOf(() => assertModelInfoOptions({ providers: "a" }, true))).toBe(
      "options.providers",
    );
    expect(fieldOf(() => assertModelInfoOptions({ signal: {} }))).toBe("options.signal");
    expect(fieldOf(() => assertModelInfoOptions({ timeout: Number.NaN }))).toBe("options.timeout");
  });
});

describe("assertContextFitRequest", () => {
  const messages = [Message.user("hi")];

  it("accepts a request with tools, a reserve and a window", () => {
    const tools = [{ name: "t", description: "d", parameters: { type: "object" } }];
    expect(
      fieldOf(() =>
        assertContextFitRequest(messages, "m", { tools, reserveOutput: 0, contextWindow: 8 }),
      ),
    ).toBeUndefined();
  });

  it("refuses a negative, fractional or non-numeric reserve and a zero or infinite window", () => {
    for (const bad of [-1, 1.5, Number.NaN, "3"]) {
      expect(fieldOf(() => assertContextFitRequest(messages, "m", { reserveOutput: bad }))).toBe(
        "options.reserveOutput",
      );
    }
    for (const bad of [0, Number.POSITIVE_INFINITY]) {
      expect(fieldOf(() => assertContextFitRequest(messages, "m", { contextWindow: bad }))).toBe(
        "options.contextWindow",
      );
    }
    expect(fieldOf(() => assertContextFitRequest("hi", "m", undefined))).toBeDefined();
    expect(fieldOf(() => assertContextFitRequest(messages, "", undefined))).toBe("model");
  });
});
