import { type ChatSettingsV1, Message, RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { defaultMaxTokens } from "./anthropic-max-tokens.ts";
import {
  type AnthropicChatInput,
  anthropicRequestWarnings,
  buildAnthropicRequest,
  toAnthropicToolChoice,
} from "./anthropic-request.ts";
import { toAnthropicThinking } from "./anthropic-thinking.ts";

const messages = [Message.user("hi")];

/** A v1 chat request for `model` with these settings and `anthropic` options. */
function input(
  settings: ChatSettingsV1,
  providerOptions: Record<string, unknown> = {},
  model = "claude-x",
): AnthropicChatInput {
  return { model, messages, settings, providerOptions };
}

describe("max_tokens", () => {
  it("defaults per model and honours maxTokens and the setting", () => {
    expect(defaultMaxTokens("claude-3-haiku-20240307")).toBe(4096);
    expect(defaultMaxTokens("claude-3-5-sonnet-20241022")).toBe(8192);
    expect(defaultMaxTokens("claude-3-7-sonnet-20250219")).toBe(64_000);
    expect(defaultMaxTokens("claude-opus-4-1-20250805")).toBe(32_000);
    expect(defaultMaxTokens("claude-sonnet-4-6")).toBe(64_000);
    expect(
      buildAnthropicRequest(input({ maxTokens: 10 }, {}, "claude-sonnet-4-6")).body.max_tokens,
    ).toBe(10);
    expect(buildAnthropicRequest(input({}, {}, "x"), () => 77).body.max_tokens).toBe(77);
    expect(() => buildAnthropicRequest(input({ maxTokens: 0 }))).toThrowError(RatatoskrError);
  });
});

describe("thinking", () => {
  it("maps maxTokens to budget_tokens and effort to documented budgets, clamped below max_tokens", () => {
    expect(toAnthropicThinking(undefined, 8000)).toBeUndefined();
    expect(toAnthropicThinking({ maxTokens: 2000 }, 8000)).toEqual({
      type: "enabled",
      budget_tokens: 2000,
    });
    expect(toAnthropicThinking({ effort: "minimal" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 1024,
    });
    expect(toAnthropicThinking({ effort: "low" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 4096,
    });
    expect(toAnthropicThinking({ effort: "medium" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 16_384,
    });
    expect(toAnthropicThinking({ effort: "high" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 32_768,
    });
    expect(toAnthropicThinking({ effort: "high" }, 8192)).toEqual({
      type: "enabled",
      budget_tokens: 8191,
    });
    expect(toAnthropicThinking({}, 64_000)).toEqual({ type: "enabled", budget_tokens: 16_384 });
    expect(toAnthropicThinking({ maxTokens: 3000, effort: "high" }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 3000,
    });
    expect(toAnthropicThinking({ exclude: true }, 64_000)).toEqual({
      type: "enabled",
      budget_tokens: 16_384,
      display: "omitted",
    });
  });

  it("rejects budgets the API would refuse", () => {
    expect(() => toAnthropicThinking({ maxTokens: 500 }, 8000)).toThrowError(/at least 1024/);
    expect(() => toAnthropicThinking({ maxTokens: 8000 }, 8000)).toThrowError(
      /less than maxTokens/,
    );
    expect(() => toAnthropicThinking({ effort: "low" }, 1000)).toThrowError(/no room/);
  });
});

describe("tool choice", () => {
  it("maps auto/none/required/{name} and parallelToolCalls", () => {
    expect(toAnthropicToolChoice(undefined, undefined)).toBeUndefined();
    expect(toAnthropicToolChoice(undefined, false)).toEqual({
      type: "auto",
      disable_parallel_tool_use: true,
    });
    expect(toAnthropicToolChoice("auto", undefined)).toEqual({ type: "auto" });
    expect(toAnthropicToolChoice("none", false)).toEqual({ type: "none" });
    expect(toAnthropicToolChoice("required", true)).toEqual({ type: "any" });
    expect(toAnthropicToolChoice({ name: "f" }, false)).toEqual({
      type: "tool",
      name: "f",
      disable_parallel_tool_use: true,
    });
    expect(() => toAnthropicToolChoice("sometimes" as never, undefined)).toThrowError(
      RatatoskrError,
    );
  });

  it("refuses a forced tool choice together with thinking, before any request", () => {
    const tools = [{ name: "f", parameters: { type: "object" } }];
    for (const toolChoice of ["required", { name: "f" }] as const) {
      expect(() =>
        buildAnthropicRequest(input({ tools, toolChoice, reasoning: { effort: "low" } })),
      ).toThrowError(expect.objectContaining({ code: "unsupported_parameter" }));
    }
    const { body } = buildAnthropicRequest(
      input({ tools, toolChoice: "auto", reasoning: { effort: "low" } }),
    );
    expect(body.tool_choice).toEqual({ type: "auto" });
    // Thinking disabled through the provider option: a forced choice is fine.
    const forced = buildAnthropicRequest(
      input(
        { tools, toolChoice: "required", reasoning: { effort: "low" } },
        { thinking: { type: "disabled" } },
      ),
    );
    expect(forced.body.tool_choice).toEqual({ type: "any" });
  });

  it("sends no tool_choice without tools", () => {
    const { body } = buildAnthropicRequest(input({ toolChoice: "required" }));
    expect(body.tool_choice).toBeUndefined();
    expect(body.tools).toBeUndefined();
  });
});

describe("settings the API does not take", () => {
  it("drops them with one warning each, and warnings agree with what is built", () => {
    const settings: ChatSettingsV1 = {
      temperature: 0,
      topP: 1,
      topK: 40,
      seed: 1,
      frequencyPenalty: 0,
      presencePenalty: 0,
      responseFormat: { type: "json_object" },
    };
    const { body, warnings } = buildAnthropicRequest(input(settings));
    expect(warnings).toEqual([
      { type: "unsupported_setting", setting: "temperature", details: expect.any(String) },
      { type: "unsupported_setting", setting: "topP", details: expect.any(String) },
      { type: "unsupported_setting", setting: "topK", details: expect.any(String) },
      { type: "unsupported_setting", setting: "seed", details: expect.any(String) },
      { type: "unsupported_setting", setting: "frequencyPenalty", details: expect.any(String) },
      { type: "unsupported_setting", setting: "presencePenalty", details: expect.any(String) },
      { type: "unsupported_setting", setting: "responseFormat", details: expect.any(String) },
    ]);
    expect(anthropicRequestWarnings(settings, {}).warnings).toEqual(warnings);
    for (const field of ["temperature", "top_p", "top_k", "seed", "output_config"]) {
      expect(body).not.toHaveProperty(field);
    }
  });

  it("sends nothing it warns about, and no warning for what it maps", () => {
    const { warnings } = buildAnthropicRequest(
      input({
        maxTokens: 100,
        stop: ["x"],
        cachePrompt: true,
        parallelToolCalls: false,
        responseFormat: { type: "json_schema", name: "s", schema: { type: "object" } },
      }),
    );
    expect(warnings).toEqual([]);
  });
});

describe("anthropic provider options", () => {
  const search = { type: "web_search_20250305", name: "web_search", max_uses: 3 };
  const weather = { name: "get_weather", parameters: { type: "object" } };

  it("tools come after the standard tools; cachePrompt marks the last with the cacheControl ttl", () => {
    const { body, warnings } = buildAnthropicRequest(
      input(
        { tools: [weather], cachePrompt: true, toolChoice: "auto" },
        { tools: [search], cacheControl: { ttl: "1h" } },
      ),
    );
    expect(warnings).toEqual([]);
    expect(body.tools).toEqual([
      { name: "get_weather", input_schema: { type: "object" } },
      { ...search, cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
    expect(body.tool_choice).toEqual({ type: "auto" });
    expect(search).not.toHaveProperty("cache_control"); // the caller's object is not changed
  });

  it("server tools alone are sent, with the standard tool choice", () => {
    const { body } = buildAnthropicRequest(input({ toolChoice: "none" }, { tools: [search] }));
    expect(body.tools).toEqual([search]);
    expect(body.tool_choice).toEqual({ type: "none" });
  });

  it("thinking replaces the one built from reasoning; effort joins the output format", () => {
    const { body } = buildAnthropicRequest(
      input(
        {
          reasoning: { maxTokens: 500 }, // below the API's minimum: unused, so not refused
          responseFormat: { type: "json_schema", name: "s", schema: { type: "object" } },
        },
        { thinking: { type: "adaptive" }, effort: "high" },
      ),
    );
    expect(body.thinking).toEqual({ type: "adaptive" });
    expect(body.output_config).toEqual({
      format: { type: "json_schema", schema: { type: "object" } },
      effort: "high",
    });
  });

  it("maps mcpServers, metadata, serviceTier and container; extraBody is merged last", () => {
    const server = { type: "url", url: "https://mcp.example.com/sse", name: "example" } as const;
    const { body, betas } = buildAnthropicRequest(
      input(
        {},
        {
          mcpServers: [server],
          metadata: { user_id: "user-1" },
          serviceTier: "standard_only",
          container: "container_1",
          betas: ["mcp-client-2025-11-20"],
          extraBody: { inference_geo: "eu", max_tokens: 5 },
        },
      ),
    );
    expect(body).toMatchObject({
      mcp_servers: [server],
      metadata: { user_id: "user-1" },
      service_tier: "standard_only",
      container: "container_1",
      inference_geo: "eu",
      max_tokens: 5,
    });
    expect(betas).toEqual(["mcp-client-2025-11-20"]);
  });

  it("an unknown key is a warning and is not sent; neither is an entry keyed by another provider id", () => {
    const entry = { transforms: ["middle-out"], openrouter: { transforms: ["middle-out"] } };
    const { body, warnings } = buildAnthropicRequest(input({}, entry));
    expect(
      warnings.map((warning) => warning.type === "unknown_provider_option" && warning.option),
    ).toEqual(["transforms", "openrouter"]);
    expect(body).not.toHaveProperty("transforms");
    expect(body).not.toHaveProperty("openrouter");
    expect(anthropicRequestWarnings({}, entry).warnings).toEqual(warnings);
  });

  it("cacheControl without cachePrompt is a warning", () => {
    expect(anthropicRequestWarnings({}, { cacheControl: { ttl: "1h" } }).warnings).toEqual([
      {
        type: "other",
        message: expect.stringMatching(/cacheControl has no effect without cachePrompt/),
      },
    ]);
  });

  it.each([
    ["tools", "web_search"],
    ["tools", [{ type: "web_search_20250305" }]],
    ["mcpServers", [{ url: 3 }]],
    ["thinking", { type: "sometimes" }],
    ["effort", "extreme"],
    ["betas", [""]],
    ["cacheControl", { ttl: "2h" }],
    ["metadata", "user-1"],
    ["serviceTier", "premium"],
    ["container", 7],
    ["extraBody", [1]],
  ])("%s of the wrong shape (%j) is invalid_input naming it", (key, value) => {
    for (const build of [
      () => buildAnthropicRequest(input({}, { [key]: value })),
      () => anthropicRequestWarnings({}, { [key]: value }),
    ]) {
      expect(build).toThrowError(
        expect.objectContaining({
          code: "invalid_input",
          message: expect.stringContaining(`providerOptions.anthropic.${key}`),
        }),
      );
    }
  });
});
