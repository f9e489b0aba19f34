import { Message, RatatoskrError } from "@ratatoskr/core";
import { type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAnthropic } from "../src/index.ts";

/** A server that accepts requests and never answers (no headers). */
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("per-attempt timeout from the gateway", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(["chat", "chatStream", "countTokens"] as const)(
    "%s applies options.timeout as the SDK request timeout (headers never come)",
    async (method) => {
      let received!: () => void;
      const requested = new Promise<void>((resolve) => {
        received = resolve;
      });
      server = await startLoopbackServer(() => received());
      const plugin = createAnthropic({
        apiKey: "test-key-canary-123456",
        baseURL: server.url,
        timeout: 600_000,
      });
      const options = {
        model: "claude-sonnet-4-5",
        timeout: 80,
        signal: new AbortController().signal,
      };
      // The SDK's request timer runs on the fake clock; the socket stays real.
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      let settled = false;
      const outcome = (async () => {
        try {
          if (method === "chat") await plugin.chat!([Message.user("hi")], options);
          else if (method === "countTokens")
            await plugin.countTokens!("hi", options.model, options);
          else for await (const _ of plugin.chatStream!([Message.user("hi")], options)) void _;
        } catch (caught) {
          return caught;
        } finally {
          settled = true;
        }
        return undefined;
      })();
      await requested;
      // Bounded by the per-call value, not the 600 s setting: still waiting at 79 ms, ended at 80.
      await vi.advanceTimersByTimeAsync(79);
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await outcome;
      expect(RatatoskrError.isInstance(error, "timeout"), String(error)).toBe(true);
      expect((error as RatatoskrError).timeoutKind).toBe("attempt");
    },
  );
});
