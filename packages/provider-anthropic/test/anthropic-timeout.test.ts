/**
 * Deadlines: the gateway owns them and aborts the call's signal, so an
 * aborted signal must end every call promptly, even when the server never
 * answers; the `timeout` setting is only the SDK's own safety net.
 */
import { Message, RatatoskrError } from "@ratatoskr/core";
import { chatRequestFor, type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AnthropicProvider, createAnthropic } from "../src/index.ts";
import { MODEL } from "./anthropic-requests.ts";

/** A server that accepts requests and never answers (no headers). */
let server: LoopbackServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

const METHODS = ["complete", "stream", "countTokens"] as const;

/** One call of `method` with `signal`, drained; resolves to what it threw. */
async function outcome(
  provider: AnthropicProvider,
  method: (typeof METHODS)[number],
  signal: AbortSignal,
): Promise<unknown> {
  const request = chatRequestFor([Message.user("hi")], { model: MODEL, signal });
  try {
    if (method === "complete") await provider.chat.complete(request);
    else if (method === "countTokens") {
      await provider.tokenCounting.countTokens({ ...request, text: "hi" });
    } else for await (const _ of provider.chat.stream(request)) void _;
  } catch (caught) {
    return caught;
  }
  return undefined;
}

/** A server that never answers, and a promise of its first request. */
async function silentServer(): Promise<{ url: string; requested: Promise<void> }> {
  let received!: () => void;
  const requested = new Promise<void>((resolve) => {
    received = resolve;
  });
  server = await startLoopbackServer(() => received());
  return { url: server.url, requested };
}

describe("the gateway's deadlines reach the provider as its signal", () => {
  it.each(METHODS)(
    "%s ends with aborted when the signal aborts before headers, and closes the socket",
    async (method) => {
      const { url, requested } = await silentServer();
      const provider = createAnthropic({ apiKey: "test-key-canary-123456", baseURL: url });
      const controller = new AbortController();
      const ended = outcome(provider, method, controller.signal);
      await requested;
      controller.abort();
      const error = await ended;
      expect(RatatoskrError.isInstance(error, "aborted"), String(error)).toBe(true);
      await expect.poll(() => server!.openSockets()).toBe(0);
    },
  );
});

describe("the timeout setting", () => {
  it.each(METHODS)(
    "%s: the SDK's own request timeout, an attempt timeout error when headers never come",
    async (method) => {
      const { url, requested } = await silentServer();
      const provider = createAnthropic({
        apiKey: "test-key-canary-123456",
        baseURL: url,
        timeout: 80,
      });
      // The SDK's request timer runs on the fake clock; the socket stays real.
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      let settled = false;
      const ended = outcome(provider, method, new AbortController().signal).finally(() => {
        settled = true;
      });
      await requested;
      await vi.advanceTimersByTimeAsync(79);
      await new Promise((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await ended;
      expect(RatatoskrError.isInstance(error, "timeout"), String(error)).toBe(true);
      expect((error as RatatoskrError).timeoutKind).toBe("attempt");
    },
  );
});
