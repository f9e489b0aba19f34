import { Message, RatatoskrError } from "@ratatoskr/core";
import { chatRequestFor, jsonReply, sseReply } from "@ratatoskr/testing";
import { drain, useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openaiDescriptor } from "./openai-descriptor.ts";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";
import { createOpenAI, isOpenAIChatModel, OPENAI_PROVIDER_OPTIONS } from "./openai-provider.ts";

const server = useOpenAIWireMockServer();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The capability objects of a v1 provider besides `chat`. */
const CAPABILITY_OBJECTS = new Set([
  "generation",
  "embedding",
  "nli",
  "classification",
  "tokenCounting",
]);

describe("createOpenAI", () => {
  it("is the `openai` plugin serving gpt*, chatgpt*, o1*, o3*, o4* chat models only", () => {
    const openai = createOpenAI({ apiKey: KEY });
    expect(openai.id).toBe("openai");
    expect(openai.baseURL).toBe("https://api.openai.com/v1");
    expect(openai.chat).toBeDefined();
    expect(
      Object.keys(openai).filter((key) => key !== "chat" && key in CAPABILITY_OBJECTS),
    ).toEqual([]);
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
      "gpt-oss",
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
      openai.chat.stream(
        chatRequestFor([Message.user("Hi")], {
          model: "o4-mini",
          maxTokens: 100,
          reasoning: { effort: "high" },
        }),
      ),
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

describe("createOpenAI: warnings and provider options", () => {
  const openai = () => createOpenAI({ apiKey: KEY, baseURL: `${server.url}/v1` });

  it("sends its documented options, warns about any other (unsent), honours cachePrompt and warns about topK", async () => {
    const request = chatRequestFor([Message.user("Hi")], {
      model: "gpt-4o-mini",
      topK: 20,
      cachePrompt: true,
      providerOptions: {
        service_tier: "flex",
        prompt_cache_key: "tenant-7",
        transforms: ["middle-out"],
      },
    });
    const expected = [
      {
        type: "unsupported_setting",
        setting: "topK",
        details: "the OpenAI Chat Completions wire has no top_k, and this server does not take one",
      },
      {
        type: "unknown_provider_option",
        option: "transforms",
        details: `not sent; known options: ${OPENAI_PROVIDER_OPTIONS.join(", ")}`,
      },
    ];
    expect(openai().chat.warningsFor(request)).toEqual(expected);
    server.reply(jsonReply(200, fixture("openai-chat-completion-text.json")));
    const result = await openai().chat.complete(request);
    expect(result.warnings).toEqual(expected);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ service_tier: "flex", prompt_cache_key: "tenant-7" });
    expect(body).not.toHaveProperty("transforms");
    expect(body).not.toHaveProperty("top_k");
  });

  it.each([
    [{ user: 7 }, "user"],
    [{ store: "yes" }, "store"],
    [{ metadata: ["a"] }, "metadata"],
    [{ service_tier: { tier: "flex" } }, "service_tier"],
    [{ logit_bias: "50256:-100" }, "logit_bias"],
    [{ prediction: "text" }, "prediction"],
    [{ reasoning_effort: 2 }, "reasoning_effort"],
    [{ web_search_options: true }, "web_search_options"],
  ] as const)(
    "rejects %j with invalid_input naming the option, before any request",
    async (providerOptions, option) => {
      const request = chatRequestFor([Message.user("Hi")], {
        model: "gpt-4o-mini",
        providerOptions: providerOptions as unknown as Record<string, Record<string, unknown>>,
      });
      for (const call of [
        async () => openai().chat.warningsFor(request),
        () => openai().chat.complete(request),
        () => drain(openai().chat.stream(request)),
      ]) {
        let caught: unknown;
        try {
          await call();
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(RatatoskrError);
        expect((caught as RatatoskrError).code).toBe("invalid_input");
        expect((caught as RatatoskrError).message).toContain(`providerOptions.openai.${option}`);
      }
      expect(server.requests).toHaveLength(0);
    },
  );
});

describe("openaiDescriptor", () => {
  it("describes the openai provider: package, key variable, lazy create", () => {
    expect(openaiDescriptor).toMatchObject({
      specificationVersion: "v1",
      id: "openai",
      displayName: "OpenAI",
      packageName: "@ratatoskr/provider-openai-compat",
      capabilities: ["chat"],
      environment: { apiKey: "OPENAI_API_KEY" },
    });
    expect(openaiDescriptor.isConfigured?.({})).toBe(false);
    expect(openaiDescriptor.isConfigured?.({ OPENAI_API_KEY: "x" })).toBe(true);
    const created = openaiDescriptor.create({ apiKey: KEY, baseURL: `${server.url}/v1` });
    expect(created).toMatchObject({ id: "openai", baseURL: `${server.url}/v1` });
  });

  it.each([
    ["ft:gpt-4o-mini:org::abc123", 100],
    ["ft:gpt-3.5-turbo-0125:acme:custom-suffix:9xYz", 100],
    ["gpt-4o", 50],
    ["gpt-5-mini", 50],
    ["chatgpt-4o-latest", 50],
    ["o1", 50],
    ["o3-mini", 50],
    ["o4-mini-2025-04-16", 50],
    ["gpt-oss:20b", undefined],
    ["gpt-oss", undefined],
    ["openai/gpt-4o", undefined],
    ["llama3.2", undefined],
    ["o2", undefined],
  ])("routes %s with priority %s", (model, priority) => {
    const matching = (openaiDescriptor.routing ?? []).filter((hint) => hint.pattern.test(model));
    expect(matching[0]?.priority).toBe(priority);
  });
});
