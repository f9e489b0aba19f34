import { Message, RatatoskrError } from "@ratatoskr/core";
import { type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";

/** A server that accepts requests and never answers (no headers). */
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("per-attempt timeout from the gateway", () => {
  it.each(["chat", "chatStream", "countTokens"] as const)(
    "%s applies options.timeout as the SDK request timeout (headers never come)",
    async (method) => {
      server = await startLoopbackServer(() => {});
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
      const started = Date.now();
      const error = await (async () => {
        try {
          if (method === "chat") await plugin.chat!([Message.user("hi")], options);
          else if (method === "countTokens")
            await plugin.countTokens!("hi", options.model, options);
          else for await (const _ of plugin.chatStream!([Message.user("hi")], options)) void _;
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(RatatoskrError.isInstance(error, "timeout"), String(error)).toBe(true);
      expect((error as RatatoskrError).timeoutKind).toBe("attempt");
      // bounded by the per-call value, not the 600 s setting
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );
});
