/**
 * What providers receive: this provider's own `providerOptions` entry only
 * (never another provider's, also after a fallback), only the standard
 * settings the caller set, and never the reliability options.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { drain, hello } from "./test-helpers.ts";

const unavailable = () =>
  new RatatoskrError({ code: "provider", status: 503, message: "HTTP 503", isRetryable: true });

describe("provider-keyed options", () => {
  it("after a fallback, the second provider receives only its own entry (an OpenRouter-only option never reaches Anthropic)", async () => {
    const openrouter = createMockProvider({ id: "openrouter" }).failNext("chat", unavailable(), 9);
    openrouter.failNext("chatStream", unavailable(), 9);
    const anthropic = createMockProvider({ id: "anthropic" });
    const gateway = await Ratatoskr.builder()
      .use(openrouter)
      .use(anthropic)
      .retry(false)
      .fallbacks("chat", ["anthropic:claude-sonnet-4"])
      .build();
    const providerOptions = {
      openrouter: { transforms: ["middle-out"], provider: { sort: "price" } },
      anthropic: { metadata: { user_id: "u1" } },
    };
    const response = await gateway.chat(hello, {
      model: "openrouter:anthropic/claude-sonnet-4",
      providerOptions,
    });
    expect(response.provider).toBe("anthropic");
    await drain(
      gateway.chatStream(hello, { model: "openrouter:anthropic/claude-sonnet-4", providerOptions }),
    );
    expect(openrouter.calls.map((call) => call.request.providerOptions)).toEqual([
      providerOptions.openrouter,
      providerOptions.openrouter,
    ]);
    expect(anthropic.calls.map((call) => call.request.providerOptions)).toEqual([
      providerOptions.anthropic,
      providerOptions.anthropic,
    ]);
    for (const call of anthropic.calls) {
      expect(JSON.stringify(call.request)).not.toContain("middle-out");
    }
  });

  it("a provider without an entry gets an empty object; an alias may key the entry", async () => {
    const hub = createMockProvider({ id: "huggingface", aliases: ["hf"] });
    const other = createMockProvider({ id: "other" });
    const gateway = await Ratatoskr.builder().use(hub).use(other).build();
    await gateway.embed("x", "hf:model", { providerOptions: { hf: { wait: true } } });
    await gateway.embed("x", "other:model", { providerOptions: { hf: { wait: true } } });
    expect(hub.callsOf("embed")[0]!.request.providerOptions).toEqual({ wait: true });
    expect(other.callsOf("embed")[0]!.request.providerOptions).toEqual({});
  });

  it("every method passes options to the provider keyed the same way", async () => {
    const mock = createMockProvider({ id: "acme" });
    const gateway = await Ratatoskr.builder().use(mock).build();
    const providerOptions = { acme: { level: 3 }, other: { level: 9 } };
    await gateway.generate("p", { model: "m", providerOptions });
    await gateway.embedBatch(["a", "b"], "m", { providerOptions });
    await gateway.inferNli("a", "b", "m", { providerOptions });
    await gateway.classifyZeroShot("t", ["a", "b"], "m", { providerOptions });
    await gateway.countTokens("t", "m", { providerOptions });
    expect(mock.calls.map((call) => call.request.providerOptions)).toEqual(
      mock.calls.map(() => ({ level: 3 })),
    );
  });
});

describe("the request a provider receives", () => {
  it("holds only the settings the caller set, and none of the reliability options", async () => {
    const mock = createMockProvider();
    const gateway = await Ratatoskr.builder().use(mock).build();
    await gateway.chat(hello, {
      model: "mock:m",
      temperature: 0.5,
      topK: 40,
      stop: ["\n"],
      cachePrompt: true,
      timeout: 5_000,
      attemptTimeout: 1_000,
      idleTimeout: 1_000,
      retry: { maxAttempts: 2 },
      fallbacks: false,
    });
    const request = mock.callsOf("chat")[0]!.request;
    expect(Object.keys(request).sort()).toEqual([
      "messages",
      "model",
      "providerOptions",
      "settings",
      "signal",
    ]);
    expect(request.model).toBe("m");
    expect(request.settings).toEqual({
      temperature: 0.5,
      topK: 40,
      stop: ["\n"],
      cachePrompt: true,
    });
  });
});
