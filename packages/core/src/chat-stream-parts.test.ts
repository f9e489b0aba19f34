import { describe, expect, it } from "vitest";
import {
  type ChatResultV1,
  type ChatStreamPartV1,
  chatResultToStreamParts,
  collectChatStreamParts,
  collectGenerationStreamParts,
  createUsage,
  type GenerationStreamPartV1,
  generationResultToStreamParts,
  RatatoskrError,
} from "./index.ts";

async function* parts<T>(items: readonly T[], error?: Error): AsyncGenerator<T> {
  yield* items;
  if (error !== undefined) throw error;
}

async function rejection(promise: Promise<unknown>): Promise<RatatoskrError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!RatatoskrError.isInstance(error)) throw new Error(`expected a RatatoskrError, got ${error}`);
  return error;
}

describe("chat stream parts", () => {
  const result: ChatResultV1 = {
    content: "Found it.",
    reasoning: "think",
    toolCalls: [{ id: "c1", name: "now", arguments: '{"zone":"UTC"}' }],
    serverToolCalls: [{ id: "s1", name: "web_search", input: { q: "x" }, contentOffset: 0 }],
    usage: createUsage(3, 4),
    finishReason: "tool_calls",
    rawFinishReason: "tool_use",
    response: { model: "m-2025", requestId: "req_1" },
    warnings: [{ type: "unsupported_setting", setting: "topK" }],
  };

  it("a complete result replayed as parts collects back to the same result", async () => {
    const replayed: ChatStreamPartV1[] = [];
    for await (const part of chatResultToStreamParts(result)) replayed.push(part);
    expect(replayed[0]).toEqual({ type: "response_metadata", model: "m-2025", requestId: "req_1" });
    expect(replayed[1]).toEqual({ type: "warning", warning: result.warnings![0] });
    expect(replayed.at(-1)).toEqual({
      type: "done",
      finishReason: "tool_calls",
      rawFinishReason: "tool_use",
      usage: result.usage,
    });
    expect(await collectChatStreamParts(parts(replayed))).toEqual(result);
  });

  it("merges response metadata (a later field wins) and keeps every warning", async () => {
    const collected = await collectChatStreamParts(
      parts<ChatStreamPartV1>([
        { type: "response_metadata", model: "a" },
        { type: "warning", warning: { type: "other", message: "one" } },
        { type: "content", text: "hi" },
        { type: "response_metadata", requestId: "r" },
        { type: "warning", warning: { type: "other", message: "two" } },
        { type: "done", finishReason: "stop" },
      ]),
    );
    expect(collected.response).toEqual({ model: "a", requestId: "r" });
    expect(collected.warnings?.map((warning) => warning.type)).toEqual(["other", "other"]);
    expect(collected.content).toBe("hi");
  });

  it("a stream without done, or one that fails, is an error keeping the partial text", async () => {
    const cut = await rejection(
      collectChatStreamParts(parts<ChatStreamPartV1>([{ type: "content", text: "half" }])),
    );
    expect(cut).toMatchObject({ code: "stream", partial: { content: "half" } });
    const broken = await rejection(
      collectChatStreamParts(
        parts<ChatStreamPartV1>(
          [{ type: "content", text: "so far" }],
          new RatatoskrError({ code: "network", message: "reset" }),
        ),
      ),
    );
    expect(broken).toMatchObject({ code: "network", partial: { content: "so far" } });
  });
});

describe("generation stream parts", () => {
  it("round-trips a generation and rejects a part after done", async () => {
    const generation = {
      text: "hello",
      finishReason: "length" as const,
      usage: createUsage(1, 2),
      response: { requestId: "g1" },
      warnings: [{ type: "unsupported_setting" as const, setting: "seed" }],
    };
    const replayed: GenerationStreamPartV1[] = [];
    for await (const part of generationResultToStreamParts(generation)) replayed.push(part);
    expect(await collectGenerationStreamParts(parts(replayed))).toEqual(generation);
    const late = await rejection(
      collectGenerationStreamParts(
        parts<GenerationStreamPartV1>([
          { type: "text", text: "a" },
          { type: "done", finishReason: "stop" },
          { type: "text", text: "late" },
        ]),
      ),
    );
    expect(late).toMatchObject({ code: "stream", partial: { content: "a" } });
    const cut = await rejection(
      collectGenerationStreamParts(parts<GenerationStreamPartV1>([{ type: "text", text: "x" }])),
    );
    expect(cut).toMatchObject({ code: "stream", partial: { content: "x" } });
  });
});
