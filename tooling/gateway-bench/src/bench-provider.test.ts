/**
 * The benchmark's setup answers correctly (its timings are printed, never
 * asserted): the loopback server, the first-party OpenAI provider, and the
 * gateway over them.
 */
import { Message, Ratatoskr } from "@ratatoskr/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENCH_MODEL, benchProvider } from "./bench-provider.ts";
import { COMPLETION, type OpenAIWireServer, startOpenAIWireServer } from "./openai-wire-server.ts";

let server: OpenAIWireServer;
beforeAll(async () => {
  server = await startOpenAIWireServer({ chunks: 5 });
});
afterAll(() => server.close());

describe("the benchmark's gateway side", () => {
  it("answers chat and 5-chunk streams through the gateway", async () => {
    const routed = await benchProvider(server.baseURL);
    const gateway = await Ratatoskr.builder().use(routed).build();
    // Routed by openaiDescriptor's routing hints, as in production.
    expect(gateway.route("chat", BENCH_MODEL)).toMatchObject({ provider: "openai" });
    const response = await gateway.chat([Message.user("hi")], { model: BENCH_MODEL });
    expect(response).toMatchObject({
      content: COMPLETION.choices[0]!.message.content,
      finishReason: "stop",
      model: COMPLETION.model,
      usage: { promptTokens: 9, completionTokens: 6, totalTokens: 15 },
    });
    const events = [];
    for await (const event of gateway.chatStream([Message.user("hi")], { model: BENCH_MODEL })) {
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

describe("the provider honours the gateway's signal", () => {
  it("a caller abort ends a stream mid-way with aborted", async () => {
    const routed = await benchProvider(server.baseURL);
    const gateway = await Ratatoskr.builder().use(routed).build();
    const controller = new AbortController();
    const seen: string[] = [];
    const outcome = await (async () => {
      for await (const event of gateway.chatStream([Message.user("hi")], {
        model: BENCH_MODEL,
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
