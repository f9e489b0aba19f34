/**
 * The benchmark's setup answers correctly (its timings are printed, never
 * asserted): the loopback server, the shim, and the gateway over them.
 */
import { Message, Ratatoskr } from "@ratatoskr/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchProvider } from "./bench-provider.ts";
import { COMPLETION, type OpenAIWireServer, startOpenAIWireServer } from "./openai-wire-server.ts";

let server: OpenAIWireServer;
beforeAll(async () => {
  server = await startOpenAIWireServer({ chunks: 5 });
});
afterAll(() => server.close());

describe("the benchmark's gateway side", () => {
  it("answers chat and 5-chunk streams through the gateway", async () => {
    const routed = await benchProvider(server.baseURL);
    const gateway = await Ratatoskr.builder().use(routed.provider).build();
    const response = await gateway.chat([Message.user("hi")], { model: "bench-model" });
    expect(response).toMatchObject({
      content: COMPLETION.choices[0]!.message.content,
      finishReason: "stop",
      model: COMPLETION.model,
      usage: { promptTokens: 9, completionTokens: 6, totalTokens: 15 },
    });
    const events = [];
    for await (const event of gateway.chatStream([Message.user("hi")], { model: "bench-model" })) {
      events.push(event);
    }
    expect(events.filter((event) => event.type === "content").map((event) => event.text)).toEqual([
      "tok0 ",
      "tok1 ",
      "tok2 ",
      "tok3 ",
      "tok4 ",
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "done",
      finishReason: "stop",
      usage: { completionTokens: 5 },
    });
    expect(server.requests).toBe(2);
  });
});

describe("the shim honours the gateway's signal", () => {
  it("a caller abort ends a stream mid-way with aborted", async () => {
    const routed = await benchProvider(server.baseURL);
    const gateway = await Ratatoskr.builder().use(routed.provider).build();
    const controller = new AbortController();
    const seen: string[] = [];
    const outcome = await (async () => {
      for await (const event of gateway.chatStream([Message.user("hi")], {
        model: "bench-model",
        signal: controller.signal,
      })) {
        seen.push(event.type);
        controller.abort();
      }
      return "finished";
    })().catch((error: { code?: string }) => error.code);
    expect(outcome).toBe("aborted");
    expect(seen).toEqual(["content"]);
  });
});
