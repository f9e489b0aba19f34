import type {
  ChatRequestV1,
  ChatStreamPartV1,
  ChatTokenCountingRequestV1,
  ModelMetadata,
  ProviderV1,
  TokenCountingRequestV1,
} from "@ratatoskr/core";
import { createUsage, Message } from "@ratatoskr/core";
import { ModelRegistry, shippedRegistry } from "@ratatoskr/models";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Ratatoskr } from "./index.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

/** A record in the registry format, for a test registry. */
function record(id: string, extra: Partial<ModelMetadata> = {}): ModelMetadata {
  return {
    info: { id, provider: "acme", capabilities: ["Chat"], context_window: 1000 },
    parameters: {},
    ...extra,
  };
}

/** A registry of one chat model with declared parameters, a price and an output limit. */
const acmeRegistry = ModelRegistry.fromPayload({
  version: 1,
  models: [
    record("acme/model", {
      parameters: {
        temperature: { availability: "mutable", range: { min: 0, max: 1 } },
        max_tokens: { availability: "opaque" },
        stop: { availability: "opaque" },
      },
      pricing: { prompt_cost_per_mtok: 2, completion_cost_per_mtok: 10 },
      max_output_tokens: 100,
    }),
    record("acme/free-form"),
  ],
  presets: {
    budget: { agentic: { model: "acme/model", parameters: { temperature: 0.3, stop: ["END"] } } },
  },
});

/** A chat provider that answers "ok" with usage and records its requests. */
function chatProvider(id = "acme", usage = createUsage(1000, 100)) {
  const requests: ChatRequestV1[] = [];
  const provider: ProviderV1 = {
    specificationVersion: "v1",
    id,
    chat: {
      async complete(request) {
        requests.push(request);
        return { content: "ok", toolCalls: [], finishReason: "stop", usage };
      },
      async *stream(request): AsyncIterable<ChatStreamPartV1> {
        requests.push(request);
        yield { type: "content", text: "ok" };
        yield { type: "done", finishReason: "stop", usage };
      },
    },
  };
  return { provider, requests };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("presets", () => {
  it("a preset string works end to end through chat: its model is routed, its parameters fill what the caller left unset", async () => {
    const { provider, requests } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    const response = await gateway.chat(hello, {
      model: "ratatoskr:budget/agentic",
      temperature: 0.9,
    });
    expect(response.content).toBe("ok");
    expect(requests[0]!.model).toBe("acme/model");
    expect(requests[0]!.settings).toEqual({ temperature: 0.9, stop: ["END"] });
  });

  it("works through chatStream and for other capabilities (the model only)", async () => {
    const { provider, requests } = chatProvider();
    const embedded: string[] = [];
    const embedder: ProviderV1 = {
      specificationVersion: "v1",
      id: "emb",
      embedding: {
        async embed(request) {
          embedded.push(request.model);
          return {
            embeddings: request.values.map(() => ({
              values: [1, 0],
              model: request.model,
              dimensions: 2,
            })),
          };
        },
      },
    };
    const gateway = await Ratatoskr.builder()
      .use(provider)
      .use(embedder)
      .presets({ free: { embedding: "emb:tiny-embedder" } })
      .registry(acmeRegistry)
      .build();
    const events = await drain(gateway.chatStream(hello, { model: "ratatoskr:budget/agentic" }));
    expect(events.at(-1)).toMatchObject({ type: "done", provider: "acme" });
    expect(requests[0]!.settings).toEqual({ temperature: 0.3, stop: ["END"] });
    await gateway.embed("text", "ratatoskr:free/embedding");
    expect(embedded).toEqual(["tiny-embedder"]);
  });

  it("the shipped registry's presets resolve, and route() explains the preset", async () => {
    const { provider, requests } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).build();
    const expected = shippedRegistry().preset("budget", "coding")!;
    await gateway.chat(hello, { model: "ratatoskr:budget/coding" });
    expect(requests[0]!.model).toBe(expected.model);
    const decision = gateway.route("chat", "ratatoskr:budget/coding");
    expect(decision.preset).toMatchObject({ model: expected.model, source: "registry" });
    expect(decision.explanation).toContain(
      `ratatoskr:budget/coding is the registry's preset for "${expected.model}"`,
    );
    expect(gateway.resolvePreset("ratatoskr:budget/coding").model).toBe(expected.model);
    expect(gateway.listPresets().map((preset) => preset.uri)).toContain("ratatoskr:budget/coding");
  });

  it("an unknown preset is invalid_input naming the known tiers, before any provider call", async () => {
    const { provider, requests } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).build();
    const error = await errorOf(gateway.chat(hello, { model: "ratatoskr:gold/agentic" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain('unknown preset tier "gold"');
    const streamError = await errorOf(drain(gateway.chatStream(hello, { model: "ratatoskr:x" })));
    expect(streamError.code).toBe("invalid_input");
    expect(requests).toEqual([]);
  });

  it("bad user presets are a configuration error when the gateway is built", async () => {
    const { provider } = chatProvider();
    const build = () =>
      Ratatoskr.builder()
        .use(provider)
        .presets({ mid: { coding: { model: "m", parameters: { temprature: 1 } } } } as never)
        .build();
    const error = await errorOf(build());
    expect(error.code).toBe("configuration");
    expect(error.message).toContain("temprature");
  });
});

describe("parameter validation", () => {
  it("warn (default): an unsupported setting is left out, an out-of-range one clamped, each with a warning", async () => {
    const { provider, requests } = chatProvider();
    const warnings: unknown[] = [];
    const gateway = await Ratatoskr.builder()
      .use(provider)
      .registry(acmeRegistry)
      .hooks({ onWarning: (event) => warnings.push(event.warning) })
      .build();
    const response = await gateway.chat(hello, {
      model: "acme/model",
      temperature: 1.5,
      seed: 7,
      maxTokens: 500,
    });
    expect(requests[0]!.settings).toEqual({ temperature: 1, maxTokens: 100 });
    expect(response.warnings).toMatchObject([
      { type: "unsupported_setting", setting: "temperature", provider: "acme" },
      { type: "unsupported_setting", setting: "seed", provider: "acme" },
      { type: "unsupported_setting", setting: "maxTokens", provider: "acme" },
    ]);
    expect(JSON.stringify(response.warnings?.[0])).toContain("1.5 is above the maximum 1");
    expect(warnings).toHaveLength(3);
  });

  it("error: unsupported_parameter naming every problem, before anything is sent", async () => {
    const { provider, requests } = chatProvider();
    const gateway = await Ratatoskr.builder()
      .use(provider)
      .registry(acmeRegistry)
      .parameterValidation("error")
      .build();
    const error = await errorOf(
      gateway.chat(hello, { model: "acme/model", temperature: 2, seed: 1 }),
    );
    expect(error.code).toBe("unsupported_parameter");
    expect(error.message).toContain("temperature: 2 is above the maximum 1");
    expect(error.message).toContain('seed: "acme/model" does not take seed');
    const streamError = await errorOf(
      drain(gateway.chatStream(hello, { model: "acme/model", topK: 3 })),
    );
    expect(streamError.code).toBe("unsupported_parameter");
    expect(requests).toEqual([]);
  });

  it("ignore: the request goes as written; a model the registry does not know is never checked", async () => {
    const { provider, requests } = chatProvider();
    const ignoring = await Ratatoskr.builder()
      .use(provider)
      .registry(acmeRegistry)
      .parameterValidation("ignore")
      .build();
    const response = await ignoring.chat(hello, { model: "acme/model", temperature: 1.5, seed: 7 });
    expect(requests[0]!.settings).toEqual({ temperature: 1.5, seed: 7 });
    expect(response.warnings).toBeUndefined();
    const warning = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    await warning.chat(hello, { model: "unknown/model", seed: 7 });
    await warning.chat(hello, { model: "acme/free-form", seed: 7 });
    expect(requests.slice(1).map((request) => request.settings)).toEqual([
      { seed: 7 },
      { seed: 7 },
    ]);
  });

  it("strict mode turns the policy's warnings into invalid_input", async () => {
    const { provider, requests } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    const error = await errorOf(
      gateway.chat(hello, { model: "acme/model", seed: 1, strict: true }),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("seed");
    expect(requests).toEqual([]);
  });

  it("an unknown policy is a configuration error", () => {
    expect(() => Ratatoskr.builder().parameterValidation("loud" as never)).toThrow(
      /parameterValidation\(policy\) takes warn, error, ignore/,
    );
  });
});

describe("cost", () => {
  it("is computed from registry prices when the provider reports none, and labelled so", async () => {
    const { provider } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    const response = await gateway.chat(hello, { model: "acme/model" });
    // 1000 prompt tokens at $2/M + 100 completion tokens at $10/M.
    expect(response.usage?.cost).toEqual({ usd: 0.003, source: "registry" });
    const events = await drain(gateway.chatStream(hello, { model: "acme/model" }));
    expect(events.at(-1)).toMatchObject({ usage: { cost: { usd: 0.003, source: "registry" } } });
  });

  it("keeps the provider's own cost, and adds none for a model without prices", async () => {
    const reported = createUsage(10, 10, { cost: { usd: 0.5, source: "provider" } });
    const { provider } = chatProvider("acme", reported);
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    expect((await gateway.chat(hello, { model: "acme/model" })).usage?.cost).toEqual({
      usd: 0.5,
      source: "provider",
    });
    const plain = await Ratatoskr.builder()
      .use(chatProvider().provider)
      .registry(acmeRegistry)
      .build();
    expect((await plain.chat(hello, { model: "acme/free-form" })).usage?.cost).toBeUndefined();
    expect((await plain.chat(hello, { model: "nobody/knows" })).usage?.cost).toBeUndefined();
  });
});

/** A provider with a model catalog and token counting, scripted per test. */
function catalogProvider(
  id: string,
  catalog: ProviderV1["models"],
  extra: Partial<ProviderV1> = {},
) {
  const provider: ProviderV1 = {
    specificationVersion: "v1",
    id,
    chat: {
      async complete() {
        return { content: "", toolCalls: [], finishReason: "stop" };
      },
    },
    models: catalog,
    ...extra,
  };
  return provider;
}

describe("modelMetadata and fetchModelMetadata", () => {
  it("modelMetadata reads the registry synchronously: prefixes set aside, presets resolved", async () => {
    const { provider } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    expect(gateway.modelMetadata("acme/model")?.info.context_window).toBe(1000);
    expect(gateway.modelMetadata("acme:acme/model")?.info.id).toBe("acme/model");
    expect(gateway.modelMetadata("ratatoskr:budget/agentic")?.info.id).toBe("acme/model");
    expect(gateway.modelMetadata("nobody/knows")).toBeUndefined();
    expect(() => gateway.modelMetadata(42 as never)).toThrow(/model must be a non-empty string/);
  });

  it("fetchModelMetadata asks the serving provider and the gateway learns the answer", async () => {
    const asked: string[] = [];
    const provider = catalogProvider("live", {
      listModels: async () => ({ models: [] }),
      async fetchModelMetadata(request) {
        asked.push(request.model);
        return record(request.model, {
          info: {
            id: request.model,
            provider: "live",
            capabilities: ["Chat"],
            context_window: 4096,
          },
        });
      },
    });
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    expect(gateway.modelMetadata("live:fresh-model")).toBeUndefined();
    const fetched = await gateway.fetchModelMetadata("live:fresh-model");
    expect(asked).toEqual(["fresh-model"]);
    expect(fetched.info.context_window).toBe(4096);
    expect(gateway.modelMetadata("live:fresh-model")?.info.context_window).toBe(4096);
    expect(Object.isFrozen(fetched)).toBe(true);
  });

  it("falls back to the registry, and is model_not_found when nobody knows the model", async () => {
    const { provider } = chatProvider();
    const gateway = await Ratatoskr.builder().use(provider).registry(acmeRegistry).build();
    expect((await gateway.fetchModelMetadata("acme/model")).info.id).toBe("acme/model");
    const error = await errorOf(gateway.fetchModelMetadata("nobody/knows"));
    expect(error.code).toBe("model_not_found");
    expect(error.message).toContain('provider "acme" has no live metadata');
  });

  it("a malformed record from the provider is a data error naming it", async () => {
    const provider = catalogProvider("live", {
      listModels: async () => ({ models: [] }),
      fetchModelMetadata: async () => ({ info: { id: 7 } }) as never,
    });
    const gateway = await Ratatoskr.builder().use(provider).build();
    const error = await errorOf(gateway.fetchModelMetadata("x"));
    expect(error.code).toBe("data");
    expect(error.message).toContain(
      'Provider "live" returned metadata that is not a registry record',
    );
  });
});

describe("listModels", () => {
  const listed = (id: string, provider: string) => ({
    id,
    provider,
    capabilities: ["Chat" as const],
    source: "provider" as const,
  });

  it("lists every provider's models in routing order; a failing provider is reported, not thrown", async () => {
    const one = catalogProvider("one", {
      listModels: async () => ({ models: [listed("a", "one")] }),
    });
    const down = catalogProvider("down", {
      listModels: async () => {
        throw new Error("connection refused");
      },
    });
    const two = catalogProvider("two", {
      listModels: async () => ({ models: [listed("b", "two")] }),
    });
    const gateway = await Ratatoskr.builder()
      .use(one)
      .use(down)
      .use(two)
      .use(chatProvider("plain").provider)
      .build();
    const listing = await gateway.listModels();
    expect(listing.models.map((model) => `${model.provider}/${model.id}`)).toEqual([
      "one/a",
      "two/b",
    ]);
    expect(listing.failures.map((failure) => [failure.provider, failure.error.code])).toEqual([
      ["down", "provider"],
    ]);
    const only = await gateway.listModels({ providers: ["two"] });
    expect(only.models.map((model) => model.id)).toEqual(["b"]);
  });

  it("a malformed listing is a data failure of that provider", async () => {
    const bad = catalogProvider("bad", {
      listModels: async () => ({ models: [{ id: "" }] }) as never,
    });
    const gateway = await Ratatoskr.builder().use(bad).build();
    const listing = await gateway.listModels();
    expect(listing.failures[0]?.error.code).toBe("data");
  });

  it("rejects bad options with invalid_input, and an aborted signal with aborted", async () => {
    const one = catalogProvider("one", { listModels: async () => ({ models: [] }) });
    const gateway = await Ratatoskr.builder().use(one).build();
    expect((await errorOf(gateway.listModels({ providers: ["nope"] }))).code).toBe("invalid_input");
    expect((await errorOf(gateway.listModels({ providers: "one" as never }))).code).toBe(
      "invalid_input",
    );
    expect((await errorOf(gateway.listModels({ timeout: Number.NaN }))).code).toBe("invalid_input");
    expect((await errorOf(gateway.listModels({ signal: "x" as never }))).code).toBe(
      "invalid_input",
    );
    expect((await errorOf(gateway.listModels(null as never))).code).toBe("invalid_input");
    expect((await errorOf(gateway.listModels({ signal: AbortSignal.abort() }))).code).toBe(
      "aborted",
    );
  });

  it("ends at its deadline even when a provider ignores its signal", async () => {
    vi.useFakeTimers();
    const stuck = catalogProvider("stuck", { listModels: () => new Promise(() => {}) });
    const gateway = await Ratatoskr.builder().use(stuck).build();
    const pending = errorOf(gateway.listModels({ timeout: 1000 }));
    await vi.advanceTimersByTimeAsync(1000);
    const error = await pending;
    expect(error.code).toBe("timeout");
  });
});

describe("modelStatus", () => {
  it("asks the serving provider; without a status method a served model is available", async () => {
    const local = catalogProvider(
      "local",
      {
        listModels: async () => ({ models: [] }),
        modelStatus: async (request) =>
          request.model === "loaded"
            ? { state: "ready", device: "cpu", memoryBytes: 1234 }
            : { state: "unavailable", reason: "not downloaded" },
      },
      { supports: (_capability, model) => model === "loaded" || model === "missing" },
    );
    const { provider } = chatProvider("remote");
    const gateway = await Ratatoskr.builder().use(local).use(provider).build();
    expect(await gateway.modelStatus("loaded")).toEqual({
      model: "loaded",
      provider: "local",
      state: "ready",
      device: "cpu",
      memoryBytes: 1234,
    });
    expect((await gateway.modelStatus("missing")).reason).toBe("not downloaded");
    expect(await gateway.modelStatus("gpt-something")).toEqual({
      model: "gpt-something",
      provider: "remote",
      state: "available",
    });
  });

  it("a model no provider serves is unavailable with the reason; a bad state is a data error", async () => {
    const picky = catalogProvider(
      "picky",
      {
        listModels: async () => ({ models: [] }),
        modelStatus: async () => ({ state: "sleeping" }) as never,
      },
      { supports: (_capability, model) => model === "only" },
    );
    const gateway = await Ratatoskr.builder().use(picky).build();
    const status = await gateway.modelStatus("other");
    expect(status.state).toBe("unavailable");
    expect(status.reason).toContain("no registered provider serves it");
    expect((await errorOf(gateway.modelStatus("only"))).code).toBe("data");
  });

  it("reports the provider's cool-down", async () => {
    const failing: ProviderV1 = {
      specificationVersion: "v1",
      id: "flaky",
      chat: {
        async complete() {
          throw new (await import("@ratatoskr/core")).RatatoskrError({
            code: "network",
            message: "down",
            isRetryable: true,
          });
        },
      },
    };
    const gateway = await Ratatoskr.builder()
      .use(failing)
      .retry(false)
      .cooldown({ failureThreshold: 1, cooldownMs: 60_000 })
      .build();
    expect(gateway.cooldowns()).toEqual([]);
    await errorOf(gateway.chat(hello, { model: "m" }));
    expect(gateway.cooldowns()).toMatchObject([
      { provider: "flaky", failures: 1, lastError: "network" },
    ]);
    const status = await gateway.modelStatus("m");
    expect(status.cooldown?.remainingMs).toBeGreaterThan(0);
    expect(status.cooldown?.remainingMs).toBeLessThanOrEqual(60_000);
  });
});

describe("tokenize and fitsContext", () => {
  const counter = (chatCount: number): ProviderV1 => ({
    specificationVersion: "v1",
    id: "tok",
    tokenCounting: {
      async countTokens(request: TokenCountingRequestV1) {
        return { count: request.text.length, approximate: false, source: "test" };
      },
      async tokenize(request: TokenCountingRequestV1) {
        const tokens = [...request.text.matchAll(/\S+/g)].map((match, id) => ({
          id,
          text: match[0],
          start: match.index,
          end: match.index + match[0].length,
        }));
        return { tokens, approximate: false, source: "words" };
      },
      async countChatTokens(request: ChatTokenCountingRequestV1) {
        return {
          count: chatCount + (request.tools?.length ?? 0),
          approximate: true,
          source: "chat-template",
        };
      },
    },
  });

  it("tokenize returns ids, texts and offsets into the text", async () => {
    const gateway = await Ratatoskr.builder().use(counter(0)).build();
    const result = await gateway.tokenize("hello  world", "any-model");
    expect(result).toEqual({
      tokens: [
        { id: 0, text: "hello", start: 0, end: 5 },
        { id: 1, text: "world", start: 7, end: 12 },
      ],
      provider: "tok",
      model: "any-model",
      approximate: false,
      source: "words",
    });
    expect((await errorOf(gateway.tokenize(5 as never, "m"))).code).toBe("invalid_input");
  });

  it("a provider that only counts declines tokenize; bad tokens are a data error", async () => {
    const countOnly: ProviderV1 = {
      specificationVersion: "v1",
      id: "count",
      tokenCounting: { countTokens: async () => ({ count: 1, approximate: false, source: "x" }) },
    };
    const gateway = await Ratatoskr.builder().use(countOnly).build();
    const error = await errorOf(gateway.tokenize("a", "m"));
    expect(error.code).toBe("model_not_available");
    expect(error.message).toContain("cannot tokenize");
    const liar: ProviderV1 = {
      specificationVersion: "v1",
      id: "liar",
      tokenCounting: {
        countTokens: async () => ({ count: 1, approximate: false, source: "x" }),
        tokenize: async () => ({
          tokens: [{ id: 1, text: "a", start: 0, end: 99 }],
          approximate: false,
          source: "x",
        }),
      },
    };
    const lying = await Ratatoskr.builder().use(liar).build();
    expect((await errorOf(lying.tokenize("a", "m"))).code).toBe("data");
  });

  it("fitsContext gives the margin, or the overflow, against the registry's context window", async () => {
    const gateway = await Ratatoskr.builder().use(counter(900)).registry(acmeRegistry).build();
    const messages = [Message.user("hi")];
    expect(await gateway.fitsContext(messages, "acme/model", { reserveOutput: 50 })).toEqual({
      fits: true,
      promptTokens: 900,
      reserveOutput: 50,
      contextWindow: 1000,
      margin: 50,
      overflow: 0,
      approximate: true,
      source: "chat-template",
    });
    const tools = [{ name: "t", description: "d", parameters: { type: "object" } }];
    const over = await gateway.fitsContext(messages, "acme/model", { reserveOutput: 200, tools });
    expect(over).toMatchObject({ fits: false, promptTokens: 901, margin: -101, overflow: 101 });
    const given = await gateway.fitsContext(messages, "unknown/model", { contextWindow: 950 });
    expect(given).toMatchObject({ fits: true, margin: 50, contextWindow: 950 });
  });

  it("fitsContext refuses an unknown window and bad numbers with invalid_input", async () => {
    const gateway = await Ratatoskr.builder().use(counter(1)).registry(acmeRegistry).build();
    const messages = [Message.user("hi")];
    const unknown = await errorOf(gateway.fitsContext(messages, "unknown/model"));
    expect(unknown.code).toBe("invalid_input");
    expect(unknown.message).toContain("pass options.contextWindow");
    for (const bad of [Number.NaN, -1, 1.5, "10"]) {
      const error = await errorOf(
        gateway.fitsContext(messages, "acme/model", { reserveOutput: bad as never }),
      );
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain("options.reserveOutput");
    }
    expect(
      (await errorOf(gateway.fitsContext([{ role: "nobody" }] as never, "acme/model"))).code,
    ).toBe("invalid_input");
    expect(
      (await errorOf(gateway.fitsContext(messages, "acme/model", { contextWindow: 0 }))).code,
    ).toBe("invalid_input");
  });
});
