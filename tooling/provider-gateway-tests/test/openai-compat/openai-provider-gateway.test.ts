/**
 * The `openai` preset through the gateway (moved out of provider-openai-compat's
 * openai-provider.test.ts so that the provider does not depend on the gateway).
 */
import { Message } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createOpenAI } from "@ratatoskr/provider-openai-compat";
import {
  fixture,
  TEST_API_KEY as KEY,
} from "@ratatoskr/provider-openai-compat/internal/test-support";
import { jsonReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";

const server = useOpenAIWireMockServer();

describe("createOpenAI: warnings and provider options", () => {
  const openai = () => createOpenAI({ apiKey: KEY, baseURL: `${server.url}/v1` });

  it("through the gateway, reads its own providerOptions entry only: another provider's entry never reaches the wire", async () => {
    const gateway = await Ratatoskr.builder().use(openai()).retry(false).build();
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    const response = await gateway.chat([Message.user("Hi")], {
      model: "gpt-4o-mini",
      providerOptions: {
        openai: { user: "u-1" },
        openrouter: { transforms: ["middle-out"], provider: { order: ["x"] } },
        anthropic: { metadata: { user_id: "a" } },
      },
    });
    expect(response.warnings).toBeUndefined();
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.user).toBe("u-1");
    for (const field of ["transforms", "provider", "metadata", "openrouter", "anthropic", "openai"])
      expect(body, field).not.toHaveProperty(field);
  });
});
