import { describe, expect, it } from "vitest";
import { assertMessages } from "./assert-messages.ts";
import { Capabilities } from "./capabilities.ts";
import { Message } from "./messages.ts";
import { createUsage } from "./usage.ts";
import { assertLabels, assertNliPairs, assertTexts } from "./validation.ts";

describe("Message constructors", () => {
  it("build each role", () => {
    expect(Message.system("be brief")).toEqual({ role: "system", content: "be brief" });
    expect(Message.user("hi", "ada")).toEqual({ role: "user", content: "hi", name: "ada" });
    expect(Message.assistant("ok")).toEqual({ role: "assistant", content: "ok" });
    expect(Message.assistantWithToolCalls("", [{ id: "c1", name: "f", arguments: "{}" }])).toEqual({
      role: "assistant",
      content: "",
      toolCalls: [{ id: "c1", name: "f", arguments: "{}" }],
    });
    expect(Message.toolResult("c1", "42", "f")).toEqual({
      role: "tool",
      content: "42",
      toolCallId: "c1",
      name: "f",
    });
  });
});

describe("Capabilities", () => {
  it("merges field-wise and keeps provider order without duplicates", () => {
    const merged = Capabilities.merge(
      Capabilities.fromCapabilities(["chat", "countTokens"], "anthropic"),
      Capabilities.fromCapabilities(["embed", "nli", "classify"], "local", {
        localInference: true,
      }),
      Capabilities.fromCapabilities(["countTokens"], "tokenizers"),
      Capabilities.fromCapabilities(["countTokens"], "tokenizers"),
    );
    expect(merged).toMatchObject({
      chat: true,
      chatStreaming: true,
      toolUse: true,
      embeddings: true,
      nli: true,
      classification: true,
      tokenCounting: true,
      localInference: true,
      generate: false,
    });
    expect(merged.providers.countTokens).toEqual(["anthropic", "tokenizers"]);
    expect(Capabilities.merge()).toEqual(Capabilities.none());
    expect(Capabilities.chatOnly()).toMatchObject({ chat: true, embeddings: false });
    expect(Capabilities.localInference()).toMatchObject({
      embeddings: true,
      localInference: true,
      chat: false,
    });
  });
});

describe("usage", () => {
  it("computes the total unless given and keeps optional fields only when known", () => {
    expect(createUsage(3, 4)).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
    expect(createUsage(3, 4, { totalTokens: 9, reasoningTokens: 2, cacheReadTokens: 1 })).toEqual({
      promptTokens: 3,
      completionTokens: 4,
      totalTokens: 9,
      reasoningTokens: 2,
      cacheReadTokens: 1,
    });
  });

  it("keeps a copy of the server tool request counts", () => {
    const counts = { web_search: 2 };
    const usage = createUsage(3, 4, { serverToolRequests: counts });
    counts.web_search = 5;
    expect(usage.serverToolRequests).toEqual({ web_search: 2 });
  });
});

describe("validation", () => {
  it("names the problem", () => {
    expect(() => assertTexts(["a", 3], "texts")).toThrow("texts[1] must be a string, got 3");
    expect(() => assertNliPairs([{ premise: "a", hypothesis: "" }])).toThrow(
      "pairs[0].hypothesis must not be empty",
    );
    expect(() => assertLabels(["x", "x"])).toThrow('"x" appears twice');
    expect(() => assertMessages([{ role: "user", content: "hi" }, null])).toThrow(
      "messages[1] must be an object, got null",
    );
    expect(() => assertMessages("hi")).toThrow("messages must be an array");
  });
});
