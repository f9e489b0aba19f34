import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import { openaiDescriptor } from "@ratatoskr/provider-openai-compat";
import { describe, expect, it } from "vitest";
import { ollamaDescriptor } from "./ollama-descriptor.ts";

/** The highest priority among the descriptor's hints matching `model` for `capability`. */
function priorityFor(
  model: string,
  capability: "chat" | "embed",
  descriptor: ProviderDescriptorV1<never> = ollamaDescriptor as ProviderDescriptorV1<never>,
): number | undefined {
  const matching = (descriptor.routing ?? []).filter(
    (hint) =>
      hint.pattern.test(model) &&
      (hint.capabilities === undefined || hint.capabilities.includes(capability)),
  );
  return matching.length === 0 ? undefined : Math.max(...matching.map((hint) => hint.priority));
}

describe("ollamaDescriptor", () => {
  it("is the keyless Ollama descriptor, configured by OLLAMA_HOST, and creates the provider", async () => {
    expect(ollamaDescriptor).toMatchObject({
      specificationVersion: "v1",
      id: "ollama",
      packageName: "@ratatoskr/provider-ollama",
      capabilities: ["chat", "embed"],
      environment: { baseURL: "OLLAMA_HOST" },
    });
    expect(ollamaDescriptor.isConfigured?.({})).toBe(false);
    expect(ollamaDescriptor.isConfigured?.({ OLLAMA_HOST: "gpu-box:11434" })).toBe(true);
    const provider = await ollamaDescriptor.create({ baseURL: "http://127.0.0.1:11434" });
    expect(provider.id).toBe("ollama");
    expect(provider.chat?.stream).toBeTypeOf("function");
    expect(provider.embedding?.embed).toBeTypeOf("function");
  });

  it.each([
    ["llama3.2:3b", "chat", 10],
    ["qwen3:8b", "chat", 10],
    ["hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", "chat", 10],
    ["nomic-embed-text", "embed", 30],
    ["bge-m3:567m", "embed", 30],
    // preferences only: untagged names, other vendors' families and fine-tunes are not Ollama's to claim
    ["llama3.2", "chat", undefined],
    ["nomic-embed-text", "chat", undefined],
    ["gpt-4o", "chat", undefined],
    ["claude-sonnet-4", "chat", undefined],
    ["text-embedding-3-small", "embed", undefined],
    ["ft:gpt-4o-mini:org::abc123", "chat", undefined],
    ["ft:gpt-3.5-turbo-0125:acme:custom-suffix:9xYz", "chat", undefined],
  ] as const)("hints %s (%s) at priority %s", (model, capability, priority) => {
    expect(priorityFor(model, capability)).toBe(priority);
  });

  it("ranks name:tag below OpenRouter's vendor/model and OpenAI's families (docs/design.md priorities)", () => {
    // vendor/model:free has the name:tag shape too; the lowest tier keeps it OpenRouter's.
    expect(priorityFor("meta-llama/llama-3.3-70b-instruct:free", "chat")).toBe(10);
    for (const hint of ollamaDescriptor.routing ?? []) {
      expect(hint.priority).toBeLessThan(50);
      expect(hint.reason.length).toBeGreaterThan(0);
    }
  });

  it("with OpenAI registered too, its hints win where they match: ft: fine-tunes and gpt* go to OpenAI, name:tag stays Ollama's", () => {
    const winner = (model: string) => {
      const ranked = [ollamaDescriptor, openaiDescriptor]
        .map((descriptor) => ({
          id: descriptor.id,
          priority: priorityFor(model, "chat", descriptor as ProviderDescriptorV1<never>),
        }))
        .filter((entry) => entry.priority !== undefined)
        .sort((a, b) => b.priority! - a.priority!);
      return ranked[0]?.id;
    };
    expect(winner("ft:gpt-4o-mini:org::abc123")).toBe("openai");
    expect(winner("ft:gpt-4o-mini:org:custom:abc123")).toBe("openai");
    expect(winner("gpt-4o")).toBe("openai");
    expect(winner("llama3.2:3b")).toBe("ollama");
    expect(winner("gpt-oss:20b")).toBe("ollama");
  });
});
