import type { Capability, ProviderPlugin } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { ProviderRegistry } from "./provider-registry.ts";
import { routeModel } from "./router.ts";

function registry(...plugins: ProviderPlugin[]): ProviderRegistry {
  const result = new ProviderRegistry();
  for (const plugin of plugins) result.register(plugin);
  return result;
}

const chatOnly: Capability[] = ["chat"];
const openrouter = () =>
  createMockProvider({
    id: "openrouter",
    capabilities: chatOnly,
    supports: (_c, model) => model.includes("/"),
  });
const anthropic = () =>
  createMockProvider({
    id: "anthropic",
    capabilities: ["chat", "countTokens"],
    supports: (_c, model) => model.startsWith("claude"),
  });
const openai = () =>
  createMockProvider({
    id: "openai",
    capabilities: chatOnly,
    supports: (_c, model) => /^(gpt|chatgpt|o\d)/.test(model),
  });
const ollama = () => createMockProvider({ id: "ollama", capabilities: ["chat", "embed"] });
const hf = () =>
  createMockProvider({
    id: "huggingface",
    aliases: ["hf"],
    capabilities: ["embed", "nli", "classify"],
    supports: (_c, model) =>
      model.includes("/") ? true : { supported: false, reason: "needs a Hub id owner/name" },
  });
const tokenizers = () => createMockProvider({ id: "tokenizers", capabilities: ["countTokens"] });

describe("routeModel", () => {
  const all = () => registry(ollama(), openrouter(), anthropic(), openai(), hf(), tokenizers());

  it("an explicit provider: prefix wins and is stripped", () => {
    const decision = routeModel(all(), "chat", "ollama:llama3.2");
    expect(decision).toMatchObject({
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

  it("a prefix naming a known but unregistered provider is a miss that says so", () => {
    const decision = routeModel(registry(ollama()), "chat", "anthropic:claude-sonnet-4");
    expect(decision.provider).toBeUndefined();
    expect(decision.explanation).toMatch(/"anthropic".*not registered/);
  });

  it("vendor/model chat goes to openrouter, even with an Ollama-like :free suffix", () => {
    expect(routeModel(all(), "chat", "anthropic/claude-sonnet-4")).toMatchObject({
      provider: "openrouter",
      rule: "vendor/model → openrouter",
    });
    expect(routeModel(all(), "chat", "meta-llama/llama-3.1-8b-instruct:free").provider).toBe(
      "openrouter",
    );
  });

  it("claude* goes to anthropic, gpt*/o1/o3/o4 to openai, name:tag to ollama", () => {
    expect(routeModel(all(), "chat", "claude-sonnet-4-5").provider).toBe("anthropic");
    for (const model of ["gpt-4o", "gpt-5-mini", "chatgpt-4o-latest", "o1", "o3-mini", "o4-mini"]) {
      expect(routeModel(all(), "chat", model).rule, model).toBe("gpt*/o1/o3/o4 → openai");
    }
    expect(routeModel(all(), "chat", "qwen3:8b")).toMatchObject({
      provider: "ollama",
      rule: "name:tag → ollama",
      providerModel: "qwen3:8b",
    });
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

  it("a rule applies only when its provider offers the capability; then the next accepting provider answers", () => {
    const decision = routeModel(all(), "embed", "sentence-transformers/all-MiniLM-L6-v2");
    // openrouter matches vendor/model but does not embed; ollama (registered first) accepts any model
    expect(decision.provider).toBe("ollama");
    expect(decision.explanation).toContain("does not offer embed");
    const onlyHf = routeModel(
      registry(openrouter(), hf()),
      "embed",
      "sentence-transformers/all-MiniLM-L6-v2",
    );
    expect(onlyHf.provider).toBe("huggingface");
  });

  it("countTokens for claude prefers anthropic's exact endpoint, then tokenizers for vendor names", () => {
    expect(routeModel(all(), "countTokens", "claude-sonnet-4").provider).toBe("anthropic");
    expect(routeModel(all(), "countTokens", "anthropic/claude-sonnet-4").provider).toBe(
      "tokenizers",
    );
    expect(routeModel(all(), "countTokens", "claude-sonnet-4").providers).toEqual([
      "anthropic",
      "tokenizers",
    ]);
  });

  it("a matched rule whose provider is not registered falls through and says why", () => {
    const decision = routeModel(registry(ollama()), "chat", "claude-sonnet-4");
    expect(decision.provider).toBe("ollama");
    expect(decision.explanation).toContain('"anthropic" is not registered');
  });

  it("a miss lists every provider asked and its answer", () => {
    const decision = routeModel(registry(openrouter(), hf()), "chat", "mistral-large");
    expect(decision.provider).toBeUndefined();
    expect(decision.candidates).toEqual([
      { provider: "openrouter", accepted: false, reason: 'declined model "mistral-large"' },
      { provider: "huggingface", accepted: false, reason: "does not offer chat" },
    ]);
    expect(decision.explanation).toContain("no registered provider serves chat");
  });

  it("a supports() that throws counts as a decline with the reason", () => {
    const broken = createMockProvider({
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
});

describe("ProviderRegistry", () => {
  it("rejects duplicate ids and aliases, bad ids, other contract versions and empty capabilities", () => {
    const reg = registry(hf());
    expect(() => reg.register(createMockProvider({ id: "huggingface" }))).toThrow(
      /already registered/,
    );
    expect(() => reg.register(createMockProvider({ id: "hf" }))).toThrow(/already registered/);
    expect(() => reg.register(createMockProvider({ id: "Bad Id" }))).toThrow(/Provider id must be/);
    expect(() =>
      reg.register({ ...createMockProvider({ id: "old" }), specificationVersion: "v0" } as never),
    ).toThrow(/contract v0/);
    expect(() => reg.register(createMockProvider({ id: "none", capabilities: [] }))).toThrow(
      /declares no capabilities/,
    );
    expect(() => reg.register(null as never)).toThrow(/must be an object/);
  });
});
