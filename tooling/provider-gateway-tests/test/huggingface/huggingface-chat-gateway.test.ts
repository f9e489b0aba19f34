/**
 * The Hugging Face chat router through the gateway (moved out of
 * provider-huggingface's huggingface-chat.test.ts so that the provider does
 * not depend on the gateway).
 */
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createHuggingFace } from "@ratatoskr/provider-huggingface";
import { fixture, TEST_KEY } from "@ratatoskr/provider-huggingface/internal/test-support";
import { jsonReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";

const server = useOpenAIWireMockServer();

const plugin = (settings = {}) =>
  createHuggingFace({ apiKey: TEST_KEY, chatBaseURL: `${server.url}/v1`, ...settings });

describe("chat through the OpenAI-compatible router", () => {
  it("routes hf:owner/name:provider with the suffix kept for the router", async () => {
    server.reply(jsonReply(200, fixture("hf-router-chat-completion.json")));
    const gateway = await Ratatoskr.builder().use(plugin()).build();
    const model = "hf:openai/gpt-oss-120b:cerebras";
    expect(gateway.route("chat", model)).toMatchObject({
      provider: "huggingface",
      providerModel: "openai/gpt-oss-120b:cerebras",
    });
    await gateway.chat([Message.user("Hi")], { model });
    expect((server.requests[0]!.body as { model: string }).model).toBe(
      "openai/gpt-oss-120b:cerebras",
    );
  });
});
