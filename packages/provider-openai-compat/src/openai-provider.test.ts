import { Message, RatatoskrError } from "@ratatoskr/core";
import { sseReply } from "@ratatoskr/testing";
import { drain, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";
import { createOpenAI, isOpenAIChatModel } from "./openai-provider.ts";

const server = useOpenAIWireMockServer();
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createOpenAI", () => {
  it("is the `openai` plugin serving gpt*, chatgpt*, o1*, o3*, o4* chat models only", () => {
    const openai = createOpenAI({ apiKey: KEY });
    expect(openai.id).toBe("openai");
    expect(openai.baseURL).toBe("https://api.openai.com/v1");
    expect(openai.capabilities).toEqual(["chat"]);
    for (const model of [
      "gpt-4o",
      "gpt-4.1-mini",
      "gpt-5",
      "chatgpt-4o-latest",
      "o1",
      "o1-mini",
      "o3-pro",
      "o4-mini",
      "ft:gpt-4o-mini:org::abc",
    ]) {
      expect(openai.supports?.("chat", model), model).toBe(true);
    }
    for (const model of [
      "openai/gpt-4o",
      "gpt-oss:20b",
      "claude-sonnet-4",
      "llama3.2",
      "o2",
      "omni",
    ]) {
      expect(isOpenAIChatModel(model), model).toBe(false);
      expect(openai.supports?.("chat", model)).toMatchObject({ supported: false });
    }
    expect(openai.supports?.("embed", "gpt-4o")).toMatchObject({ supported: false });
  });

  it("reads OPENAI_API_KEY, and names it when missing", () => {
    vi.stubEnv("OPENAI_API_KEY", undefined);
    const missing = (() => {
      try {
        createOpenAI();
      } catch (error) {
        return error;
      }
    })();
    expect(RatatoskrError.isInstance(missing, "authentication")).toBe(true);
    expect((missing as RatatoskrError).message).toMatch(/OPENAI_API_KEY/);
    vi.stubEnv("OPENAI_API_KEY", "test-key-from-env-123456");
    expect(createOpenAI().id).toBe("openai");
  });

  it("sends max_completion_tokens, reasoning_effort and organization/project headers", async () => {
    server.reply(sseReply(fixture("openai-chat-stream-text.sse")));
    const openai = createOpenAI({
      apiKey: KEY,
      baseURL: `${server.url}/v1`,
      organization: "org-1",
      project: "proj-1",
    });
    await drain(
      openai.chatStream([Message.user("Hi")], {
        model: "o4-mini",
        maxTokens: 100,
        reasoning: { effort: "high" },
      }),
    );
    const request = server.requests[0]!;
    expect(request.headers["openai-organization"]).toBe("org-1");
    expect(request.headers["openai-project"]).toBe("proj-1");
    expect(request.body).toMatchObject({
      model: "o4-mini",
      max_completion_tokens: 100,
      reasoning_effort: "high",
    });
  });
});
