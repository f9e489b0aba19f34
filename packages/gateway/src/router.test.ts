/**
 * The router builds its preferences from the registered providers'
 * descriptors (routing hints). The stub descriptors here stand for the
 * first-party ones, with the priorities docs/design.md gives them.
 */
import type { Capability, RoutingHintV1 } from "@ratatoskr/core";
import {
  createMockDescriptor,
  createMockProvider,
  type MockDescriptorOptions,
} from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { ProviderRegistry } from "./provider-registry.ts";
import { type KnownProvider, routeModel } from "./router.ts";

/** A registry of mocks created from their (stub) descriptors, in order. */
function registry(...descriptors: ReturnType<typeof stub>[]): ProviderRegistry {
  const result = new ProviderRegistry();
  for (const descriptor of descriptors) result.register(descriptor.create(), descriptor);
  return result;
}

function stub(options: MockDescriptorOptions) {
  const descriptor = createMockDescriptor(options);
  return { ...descriptor, create: () => createMockProvider(options) };
}

const hint = (
  pattern: RegExp,
  priority: number,
  reason: string,
  capabilities?: Capability[],
): RoutingHintV1 => ({ pattern, priority, reason, ...(capabilities ? { capabilities } : {}) });

const openrouter = () =>
  stub({
    id: "openrouter",
    capabilities: ["chat"],
    supports: (_c, model) => model.includes("/"),
    routing: [hint(/\//, 30, "vendor/model ids are OpenRouter's", ["chat"])],
  });
const anthropic = () =>
  stub({
    id: "anthropic",
    capabilities: ["chat", "countTokens"],
    supports: (_c, model) => model.startsWith("claude"),
    routing: [hint(/^claude/i, 100, "claude-* models are Anthropic's")],
  });
const openai = () =>
  stub({
    id: "openai",
    capabilities: ["chat"],
    supports: (_c, model) => /^(gpt|chatgpt|o\d|ft:)/.test(model),
    routing: [
      hint(/^ft:/, 100, "ft: ids are OpenAI fine-tunes", ["chat"]),
      hint(/^(gpt|chatgpt)|^o[134](-|$)/i, 50, "gpt-*, chatgpt-* and o-series are OpenAI's"),
    ],
  });
const ollama = () =>
  stub({
    id: "ollama",
    capabilities: ["chat", "embed"],
    routing: [hint(/:/, 10, "name:tag ids are Ollama tags")],
  });
const hf = () =>
  stub({
    id: "huggingface",
    aliases: ["hf"],
    capabilities: ["embed", "nli", "classify"],
    supports: (_c, model) =>
      model.includes("/") ? true : { supported: false, reason: "needs a Hub id owner/name" },
  });
const tokenizers = () => stub({ id: "tokenizers", capabilities: ["countTokens"] });

const KNOWN: KnownProvider[] = [
  { id: "anthropic", displayName: "Anthropic", packageName: "@ratatoskr/provider-anthropic" },
];

describe("routeModel", () => {
  const all = () => registry(ollama(), openrouter(), anthropic(), openai(), hf(), tokenizers());

  it("ft: fine-tuned ids go to openai (its hint outranks ollama's name:tag), whatever the registration order", () => {
    for (const reg of [registry(ollama(), openai()), registry(openai(), ollama()), all()]) {
      expect(routeModel(reg, "chat", "ft:gpt-4o-mini:org::id")).toMatchObject({
        provider: "openai",
        rule: "routing-hint",
        providerModel: "ft:gpt-4o-mini:org::id",
        hint: { provider: "openai", priority: 100, reason: "ft: ids are OpenAI fine-tunes" },
      });
    }
    expect(
      routeModel(registry(ollama(), openai()), "chat", "ft:gpt-4o-mini:org::id").explanation,
    ).toContain("ft: ids are OpenAI fine-tunes");
    // Without the openai provider, the id is not a prefix: ollama's shape hint takes it.
    expect(routeModel(registry(ollama()), "chat", "ft:gpt-4o-mini:org::id").provider).toBe(
      "ollama",
    );
  });

  it("an explicit prefix wins and is stripped", () => {
    expect(routeModel(all(), "chat", "ollama:llama3.2")).toMatchObject({
      provider: "ollama",
      providerModel: "llama3.2",
      rule: "explicit-prefix",
      providers: ["ollama"],
    });
    expect(routeModel(all(), "embed", "hf:BAAI/bge-small-en-v1.5")).toMatchObject({
      provider: "huggingface",
      providerModel: "BAAI/bge-small-en-v1.5",
    });
  });

  it("an explicit prefix does not fall back when that provider declines or lacks the capability", () => {
    const declined = routeModel(all(), "embed", "hf:plain-name");
    expect(declined.provider).toBeUndefined();
    expect(declined.explanation).toContain("needs a Hub id owner/name");
    const lacking = routeModel(all(), "nli", "ollama:llama3.2");
    expect(lacking.provider).toBeUndefined();
    expect(lacking.explanation).toContain("does not offer nli");
  });

  it("a prefix naming a known but unregistered provider is a miss that says what to add", () => {
    const decision = routeModel(registry(ollama()), "chat", "anthropic:claude-sonnet-4", KNOWN);
    expect(decision.provider).toBeUndefined();
    expect(decision.explanation).toMatch(
      /"anthropic" \(Anthropic, @ratatoskr\/provider-anthropic\), which is not registered/,
    );
    // Not known: the prefix is part of the model name.
    expect(routeModel(registry(ollama()), "chat", "anthropic:claude-sonnet-4").provider).toBe(
      "ollama",
    );
  });

  it("the highest-priority matching hint wins, and route() quotes its reason", () => {
    const decision = routeModel(all(), "chat", "anthropic/claude-sonnet-4");
    expect(decision).toMatchObject({ provider: "openrouter", rule: "routing-hint" });
    expect(decision.explanation).toContain("vendor/model ids are OpenRouter's");
    // vendor/model (30) outranks name:tag (10).
    expect(routeModel(all(), "chat", "meta-llama/llama-3.1-8b-instruct:free").provider).toBe(
      "openrouter",
    );
    expect(routeModel(all(), "chat", "claude-sonnet-4-5").provider).toBe("anthropic");
    for (const model of ["gpt-4o", "gpt-5-mini", "chatgpt-4o-latest", "o1", "o3-mini", "o4-mini"]) {
      expect(routeModel(all(), "chat", model).hint?.provider, model).toBe("openai");
    }
    expect(routeModel(all(), "chat", "qwen3:8b")).toMatchObject({
      provider: "ollama",
      providerModel: "qwen3:8b",
      hint: { reason: "name:tag ids are Ollama tags" },
    });
  });

  it("equal priorities go by registration order; the others that accept follow", () => {
    const first = stub({ id: "first", routing: [hint(/^x-/, 50, "first's x")] });
    const second = stub({ id: "second", routing: [hint(/^x-/, 50, "second's x")] });
    expect(routeModel(registry(first, second), "chat", "x-1")).toMatchObject({
      provider: "first",
      providers: ["first", "second"],
    });
    expect(routeModel(registry(second, first), "chat", "x-1").provider).toBe("second");
  });

  it("otherwise the first registered provider that accepts, in registration order", () => {
    expect(routeModel(all(), "chat", "mistral-large")).toMatchObject({
      provider: "ollama",
      rule: "first-accepting",
    });
    expect(routeModel(registry(openrouter(), ollama()), "chat", "mistral-large").provider).toBe(
      "ollama",
    );
  });

  it("a hint applies only to its capabilities and when its provider accepts; routing goes on and says why", () => {
    const decision = routeModel(all(), "embed", "sentence-transformers/all-MiniLM-L6-v2");
    // openrouter's vendor/model hint is for chat only; ollama (registered first) accepts any model
    expect(decision.provider).toBe("ollama");
    const declined = routeModel(registry(anthropic(), ollama()), "chat", "Claude-bot:7b");
    // anthropic's claude hint matched, but its supports() declined the model
    expect(declined).toMatchObject({ provider: "ollama", hint: { provider: "ollama" } });
    expect(declined.explanation).toContain('the routing hint of "anthropic" matched');
  });

  it("countTokens for claude prefers anthropic's exact endpoint, then tokenizers", () => {
    expect(routeModel(all(), "countTokens", "claude-sonnet-4").providers).toEqual([
      "anthropic",
      "tokenizers",
    ]);
    expect(routeModel(all(), "countTokens", "anthropic/claude-sonnet-4").provider).toBe(
      "tokenizers",
    );
  });

  it("a miss lists every provider asked and its answer", () => {
    const decision = routeModel(registry(openrouter(), hf()), "chat", "mistral-large");
    expect(decision.provider).toBeUndefined();
    expect(decision.candidates).toEqual([
      { provider: "openrouter", accepted: false, reason: 'declined model "mistral-large"' },
    ]);
    expect(decision.explanation).toContain("no registered provider serves chat");
  });

  it("a supports() that throws counts as a decline with the reason", () => {
    const broken = stub({
      id: "broken",
      supports: () => {
        throw new Error("boom");
      },
    });
    const decision = routeModel(registry(broken, ollama()), "chat", "x");
    expect(decision.provider).toBe("ollama");
    expect(decision.candidates[0]).toEqual({
      provider: "broken",
      accepted: false,
      reason: "supports() threw: boom",
    });
  });

  it("a model with a colon whose prefix is no provider is not treated as a prefix", () => {
    expect(routeModel(registry(ollama()), "chat", "llama3.2:1b")).toMatchObject({
      provider: "ollama",
      providerModel: "llama3.2:1b",
    });
  });

  it("a stateful (global) hint pattern matches every time", () => {
    const global = stub({ id: "global", routing: [hint(/^g-/g, 50, "g-* ids")] });
    const reg = registry(ollama(), global);
    for (let call = 0; call < 3; call++) {
      expect(routeModel(reg, "chat", "g-model").provider).toBe("global");
    }
  });
});

describe("ProviderRegistry", () => {
  it("rejects duplicate ids and aliases, bad ids, other versions, empty providers and bad hints", () => {
    const reg = registry(hf());
    expect(() => reg.register(createMockProvider({ id: "huggingface" }))).toThrow(
      /already registered/,
    );
    expect(() => reg.register(createMockProvider({ id: "hf" }))).toThrow(/already registered/);
    expect(() => reg.register(createMockProvider({ id: "Bad Id" }))).toThrow(/Provider id must be/);
    expect(() =>
      reg.register({ ...createMockProvider({ id: "old" }), specificationVersion: "v0" } as never),
    ).toThrow(/specification v0/);
    expect(() => reg.register(createMockProvider({ id: "none", capabilities: [] }))).toThrow(
      /offers no capability/,
    );
    expect(() => reg.register(null as never)).toThrow(/must be an object/);
    expect(() =>
      reg.register(
        createMockProvider({ id: "hinted" }),
        createMockDescriptor({ routing: [{ pattern: "x" as never, priority: 1, reason: "r" }] }),
      ),
    ).toThrow(/bad routing hint 0/);
    expect(() => reg.register(createMockProvider({ id: "parallel", maxParallelCalls: 0 }))).toThrow(
      /maxParallelCalls = 0/,
    );
  });

  it("completes a provider once: both chat halves, capabilities from its objects", () => {
    const reg = new ProviderRegistry();
    const registered = reg.register(
      createMockProvider({ id: "s", chat: "stream", capabilities: ["chat"] }),
    );
    expect(registered.capabilities).toEqual(["chat"]);
    expect(registered.chat?.complete).toBeTypeOf("function");
    expect(registered.chat?.stream).toBeTypeOf("function");
    expect(reg.get("s")).toBe(registered);
    expect(reg.forCapability("chat")).toEqual([registered]);
    expect(reg.forCapability("embed")).toEqual([]);
  });
});
