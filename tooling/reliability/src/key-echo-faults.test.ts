/**
 * RELIABILITY.md's "an upstream that echoes the key back", through the
 * gateway, for every HTTP provider: a loopback server answers 503 with the
 * received key in its body, message, status line and a header. The call is
 * retried (onRetry), falls back (onFallback) and fails (onError); the key must
 * be in none of the hook payloads and no rendering of the final error.
 */
import { type Capability, Message, type ProviderV1 } from "@ratatoskr/core";
import { type ModelGateway, Ratatoskr } from "@ratatoskr/gateway";
import { createAnthropic } from "@ratatoskr/provider-anthropic";
import { createHuggingFace } from "@ratatoskr/provider-huggingface";
import { createOllama } from "@ratatoskr/provider-ollama";
import { createOpenAI, createOpenAICompatible } from "@ratatoskr/provider-openai-compat";
import { createOpenRouter } from "@ratatoskr/provider-openrouter";
import {
  credentialOf,
  expectNoSecret,
  type LoopbackServer,
  startKeyEchoServer,
} from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consume, errorOf, FAST_RETRY, recordingHooks } from "./suite-helpers.ts";

/** Registered by each provider as its key; shaped like no real key, so only redaction hides it. */
const CANARY = "canary-echoed-key-0123456789-abcdefgh";

let server: LoopbackServer;
beforeAll(async () => {
  server = await startKeyEchoServer({ status: 503 });
});
afterAll(() => server.close());

interface EchoCase {
  name: string;
  capability: Extract<Capability, "chat" | "embed">;
  plugin: (url: string) => ProviderV1;
  model: string;
  /** Another model of the same provider: the fallback, which fails the same way. */
  fallback: string;
}

const CASES: readonly EchoCase[] = [
  {
    name: "openai-compatible",
    capability: "chat",
    plugin: (url) => createOpenAICompatible({ id: "compat", baseURL: `${url}/v1`, apiKey: CANARY }),
    model: "compat:model-a",
    fallback: "compat:model-b",
  },
  {
    name: "openai",
    capability: "chat",
    plugin: (url) => createOpenAI({ apiKey: CANARY, baseURL: `${url}/v1` }),
    model: "gpt-4o-mini",
    fallback: "openai:gpt-4o",
  },
  {
    name: "openrouter",
    capability: "chat",
    plugin: (url) => createOpenRouter({ apiKey: CANARY, baseURL: `${url}/api/v1` }),
    model: "anthropic/claude-sonnet-4",
    fallback: "openrouter:openai/gpt-4o",
  },
  {
    name: "anthropic",
    capability: "chat",
    plugin: (url) => createAnthropic({ apiKey: CANARY, baseURL: url }),
    model: "claude-sonnet-4-5",
    fallback: "anthropic:claude-haiku-4-5",
  },
  {
    name: "ollama chat",
    capability: "chat",
    plugin: (url) => createOllama({ baseURL: url, apiKey: CANARY }),
    model: "ollama:llama3.2:3b",
    fallback: "ollama:qwen3:4b",
  },
  {
    name: "ollama embed",
    capability: "embed",
    plugin: (url) => createOllama({ baseURL: url, apiKey: CANARY }),
    model: "ollama:nomic-embed-text",
    fallback: "ollama:mxbai-embed-large",
  },
  {
    name: "huggingface embed",
    capability: "embed",
    plugin: (url) => createHuggingFace({ apiKey: CANARY, baseURL: url }),
    model: "hf:sentence-transformers/all-MiniLM-L6-v2",
    fallback: "hf:BAAI/bge-small-en-v1.5",
  },
  {
    name: "huggingface chat",
    capability: "chat",
    plugin: (url) => createHuggingFace({ apiKey: CANARY, chatBaseURL: `${url}/v1` }),
    model: "hf:meta-llama/Llama-3.1-8B-Instruct",
    fallback: "hf:Qwen/Qwen3-8B",
  },
];

function call(gateway: ModelGateway, echo: EchoCase, stream: boolean): Promise<unknown> {
  const options = { model: echo.model, fallbacks: [echo.fallback] };
  if (echo.capability === "embed") {
    return gateway.embed("hello", echo.model, { fallbacks: [echo.fallback] });
  }
  return stream
    ? consume(gateway.chatStream([Message.user("hello")], options)).then(({ error }) => {
        throw error;
      })
    : gateway.chat([Message.user("hello")], options);
}

describe("an upstream that echoes the key: retried, fallen back, failed — the key in no hook payload and no error rendering", () => {
  const rows = CASES.flatMap((echo) =>
    (echo.capability === "chat" ? [false, true] : [false]).map((stream) => ({
      name: echo.name,
      stream,
      echo,
    })),
  );
  it.each(rows)("$name (stream: $stream)", async ({ echo, stream }) => {
    const recorder = recordingHooks();
    const gateway = await Ratatoskr.builder()
      .use(echo.plugin(server.url))
      .retry({ ...FAST_RETRY, maxAttempts: 2 })
      .cooldown(false)
      .hooks(recorder.hooks)
      .build();
    const before = server.requests.length;
    const error = await errorOf(call(gateway, echo, stream));
    expect(error.code).toBe("provider");
    const kinds = recorder.events.map(([kind]) => kind);
    expect(kinds.filter((kind) => kind === "retry")).toHaveLength(2); // two attempts per target
    expect(kinds.filter((kind) => kind === "fallback")).toHaveLength(1);
    expect(kinds.filter((kind) => kind === "error")).toHaveLength(1);
    expectNoSecret(error, CANARY, { hookEvents: recorder.events });
    // The key did reach the server every time, which echoed it.
    const requests = server.requests.slice(before);
    expect(requests).toHaveLength(4);
    expect(requests.every((request) => credentialOf(request) === CANARY)).toBe(true);
  });
});
