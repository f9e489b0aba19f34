/**
 * combineHooks(): every combined hook hears every event, in order and
 * synchronously; one that fails neither stops the others nor the call, and
 * its failure is reported once. The builder's `.hooks()` alone replaces a
 * hook of the same name, which is why combining exists.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import type { HookErrorEvent } from "./gateway-hooks.ts";
import { combineHooks, Ratatoskr } from "./index.ts";
import { hello } from "./test-helpers.ts";

/** Let every pending promise job run (one macrotask turn). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("combineHooks", () => {
  it("calls each object's hook in order, synchronously within the emitting call", async () => {
    const heard: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks(
        combineHooks(
          {
            onRequestStart: (event) => heard.push(`a:start:${event.callId}`),
            onComplete: (event) => heard.push(`a:complete:${event.provider}`),
          },
          { onComplete: () => heard.push("b:complete") },
          {},
        ),
      )
      .build();
    const call = gateway.chat(hello, { model: "m" });
    // onRequestStart ran before chat() returned its promise: inside the caller's call.
    expect(heard).toEqual(["a:start:1"]);
    await call;
    expect(heard).toEqual(["a:start:1", "a:complete:mock", "b:complete"]);
  });

  it("without it, a second .hooks() replaces the hook of the same name", async () => {
    const heard: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks({ onComplete: () => heard.push("first") })
      .hooks({ onComplete: () => heard.push("second") })
      .build();
    await gateway.chat(hello, { model: "m" });
    expect(heard).toEqual(["second"]);
  });

  it("a hook that throws or rejects does not stop the others; each failure is reported once", async () => {
    const heard: string[] = [];
    const reports: HookErrorEvent[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks(
        combineHooks(
          {
            onComplete: () => {
              throw new Error("sync bug");
            },
          },
          {
            onComplete: async () => {
              heard.push("async");
              throw new Error("async bug");
            },
          },
          { onComplete: () => heard.push("last") },
          { onHookError: (report) => reports.push(report) },
        ),
      )
      .build();
    expect((await gateway.chat(hello, { model: "m" })).content).toBe("mock: hello world");
    await settle();
    expect(heard).toEqual(["async", "last"]);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.hook).toBe("onComplete");
    const error = reports[0]!.error as AggregateError;
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.errors.map((cause) => (cause as Error).message)).toEqual([
      "sync bug",
      "async bug",
    ]);
  });

  it("a single failure is reported as itself", async () => {
    const reports: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks(
        combineHooks(
          {
            onComplete: () => {
              throw new Error("only bug");
            },
          },
          { onComplete: () => undefined, onHookError: (report) => reports.push(report.error) },
        ),
      )
      .build();
    await gateway.chat(hello, { model: "m" });
    expect(reports.map((error) => (error as Error).message)).toEqual(["only bug"]);
  });

  it("checks each object as .hooks() does", () => {
    expect(() => combineHooks({ onComplete: () => {} }, { onCompleet: () => {} } as never)).toThrow(
      RatatoskrError,
    );
    expect(() => combineHooks({ onError: "no" } as never)).toThrow(
      /hooks.onError must be a function/,
    );
  });
});
