/**
 * A hook that throws or returns a rejected promise never crashes the host
 * and never changes a call's outcome; each failure is reported once, to
 * `onHookError` when configured, else as a process warning.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HookErrorEvent } from "./gateway-hooks.ts";
import { Ratatoskr } from "./index.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

/** Let every pending promise job and rejection handler run (one macrotask turn). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Collects unhandled rejections while a test runs. */
function watchUnhandled(): { rejections: unknown[]; stop: () => void } {
  const rejections: unknown[] = [];
  const listener = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", listener);
  return { rejections, stop: () => process.off("unhandledRejection", listener) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("hooks that fail", () => {
  it("an async hook that rejects neither crashes the process nor changes the outcome; onHookError hears each once", async () => {
    const unhandled = watchUnhandled();
    const reports: HookErrorEvent[] = [];
    const mock = createMockProvider();
    const failing = async () => {
      throw new Error("async hook bug");
    };
    const gateway = await Ratatoskr.builder()
      .use(mock)
      .hooks({
        onRequestStart: failing,
        onComplete: failing,
        onError: failing,
        onHookError: (report) => {
          reports.push(report);
        },
      })
      .build();
    try {
      const response = await gateway.chat(hello, { model: "m" });
      expect(response.content).toBe("mock: hello world");
      const events = await drain(gateway.chatStream(hello, { model: "m" }));
      expect(events.at(-1)?.type).toBe("done");
      mock.failNext("embed", new RatatoskrError({ code: "authentication", message: "no" }));
      expect((await errorOf(gateway.embed("x", "m"))).code).toBe("authentication");
      await settle();
      expect(unhandled.rejections).toEqual([]);
      expect(reports.map((report) => `${report.hook}:${report.callId}`)).toEqual([
        "onRequestStart:1",
        "onComplete:1",
        "onRequestStart:2",
        "onComplete:2",
        "onRequestStart:3",
        "onError:3",
      ]);
      expect(reports[0]).toMatchObject({ capability: "chat", model: "m" });
      expect((reports[0]!.error as Error).message).toBe("async hook bug");
    } finally {
      unhandled.stop();
    }
  });

  it("a hook that throws synchronously is reported once too, and the call succeeds", async () => {
    const reports: string[] = [];
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks({
        onComplete: () => {
          throw new Error("sync hook bug");
        },
        onHookError: (report) => {
          reports.push(`${report.hook}:${(report.error as Error).message}`);
        },
      })
      .build();
    expect((await gateway.embed("x", "m")).dimensions).toBe(8);
    expect(reports).toEqual(["onComplete:sync hook bug"]);
  });

  it("without onHookError, each failure is one process warning; the call's outcome stands", async () => {
    const warnings: string[] = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning: string | Error) => {
      warnings.push(String(warning));
    });
    const unhandled = watchUnhandled();
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks({
        onRequestStart: () => {
          throw new Error("sync bug");
        },
        onComplete: () => Promise.reject(new Error("async bug")),
      })
      .build();
    try {
      expect((await gateway.embed("x", "m")).dimensions).toBe(8);
      await settle();
      expect(unhandled.rejections).toEqual([]);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/onRequestStart.*sync bug/);
      expect(warnings[1]).toMatch(/onComplete.*async bug/);
    } finally {
      unhandled.stop();
    }
  });

  it("an onHookError that fails itself is swallowed into one warning", async () => {
    const warnings: string[] = [];
    vi.spyOn(process, "emitWarning").mockImplementation((warning: string | Error) => {
      warnings.push(String(warning));
    });
    const unhandled = watchUnhandled();
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider())
      .hooks({
        onComplete: () => Promise.reject(new Error("first")),
        onHookError: () => Promise.reject(new Error("second")),
      })
      .build();
    try {
      expect((await gateway.embed("x", "m")).dimensions).toBe(8);
      await settle();
      expect(unhandled.rejections).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/onHookError.*second/);
    } finally {
      unhandled.stop();
    }
  });

  it("a hook that is not a function, or an unknown hook, is a configuration error at .hooks()", () => {
    expect(() => Ratatoskr.builder().hooks({ onComplete: "log" as never })).toThrow(
      expect.objectContaining({
        code: "configuration",
        message: expect.stringContaining("onComplete"),
      }),
    );
    expect(() => Ratatoskr.builder().hooks({ onCompleted: () => {} } as never)).toThrow(
      expect.objectContaining({
        code: "configuration",
        message: expect.stringContaining("onCompleted"),
      }),
    );
    expect(() => Ratatoskr.builder().hooks(null as never)).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
  });
});
