/**
 * LineChat through the gateway, registered from its descriptor with the
 * public builder API only (`Ratatoskr.builder().use(descriptor, settings)`):
 * its routing hints route `line-*` models to it whatever the registration
 * order, it takes over when another provider fails, and each provider sees
 * only its own `providerOptions` entry.
 */
import { Message, Ratatoskr, type Warning } from "@ratatoskr/gateway";
import { createMockProvider, type MockProvider, mockError } from "@ratatoskr/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { linechatDescriptor } from "../src/index.ts";
import { type LineChatFakeServer, startLineChatServer } from "../src/linechat-fake-server.ts";

const KEY = "test-canary-3f9a2c71-key";
let server: LineChatFakeServer;
let mock: MockProvider;

beforeAll(async () => {
  server = await startLineChatServer({ apiKey: KEY });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
  mock = createMockProvider({ id: "mock" });
});

/** The mock first (it accepts every model), LineChat second: only the hints can pick LineChat. */
function gateway(warnings: Warning[] = []) {
  return Ratatoskr.builder()
    .use(mock)
    .use(linechatDescriptor, { apiKey: KEY, baseURL: server.url })
    .retry(false)
    .hooks({ onWarning: (event) => warnings.push(event.warning) })
    .build();
}

const lastBody = () => JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;

describe("LineChat through the gateway", () => {
  it("routes line-* chat and line-embed-* embedding models by the descriptor's hints", async () => {
    const built = await gateway();
    const chat = built.route("chat", "line-1");
    expect(chat.provider).toBe("linechat");
    expect(chat.rule).toBe("routing-hint");
    expect(chat.explanation).toContain("line-* chat models are LineChat's");
    expect(built.route("embed", "line-embed-1").provider).toBe("linechat");
    expect(built.route("chat", "gpt-4o").provider).toBe("mock");
    expect(built.route("chat", "lc:anything").provider).toBe("linechat");

    const response = await built.chat([Message.user("hi there")], { model: "line-1" });
    expect(response).toMatchObject({
      content: "You said: hi there",
      provider: "linechat",
      model: "line-1-2026-01",
      finishReason: "stop",
    });
    expect(response.requestId).toMatch(/^lc-req-/);
    expect(mock.calls).toHaveLength(0);
  });

  it("streams through the gateway: content, then one done with metadata and warnings", async () => {
    const warnings: Warning[] = [];
    const built = await gateway(warnings);
    const events = [];
    for await (const event of built.chatStream([Message.user("one two three")], {
      model: "line-1",
      temperature: 2,
    })) {
      events.push(event);
    }
    const text = events.flatMap((event) => (event.type === "content" ? [event.text] : []));
    expect(text.join("")).toBe("You said: one two three");
    const done = events.at(-1)!;
    expect(done).toMatchObject({
      type: "done",
      provider: "linechat",
      model: "line-1-2026-01",
      finishReason: "stop",
      usage: { promptTokens: 3, completionTokens: 5, totalTokens: 8 },
    });
    const clamped = {
      type: "other",
      message: "temperature 2 clamped to 1.5",
      provider: "linechat",
    };
    expect(done.type === "done" && done.warnings).toEqual([clamped]);
    expect(warnings).toEqual([clamped]);
  });

  it("falls back from a failing provider to LineChat, and options do not leak across", async () => {
    mock.failNext("chat", mockError("authentication", "mock refused"));
    const response = await (await gateway()).chat([Message.user("fallback please")], {
      model: "mock:any-model",
      fallbacks: ["linechat:line-1"],
      providerOptions: {
        mock: { secretMockSetting: "only-for-mock" },
        linechat: { safeMode: true },
      },
    });
    expect(response.provider).toBe("linechat");
    expect(response.content).toBe("You said: fallback please");
    expect(mock.callsOf("chat")[0]!.request.providerOptions).toEqual({
      secretMockSetting: "only-for-mock",
    });
    const body = lastBody();
    expect(body.safe_mode).toBe(true);
    expect(server.requests.at(-1)!.body).not.toContain("secretMockSetting");
    expect(server.requests.at(-1)!.body).not.toContain("only-for-mock");
    expect(response.warnings ?? []).toEqual([]);
  });

  it("strict mode refuses a setting LineChat would ignore before anything is sent", async () => {
    const built = await gateway();
    await expect(
      built.chat([Message.user("hi")], { model: "line-1", topK: 5, strict: true }),
    ).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("topK") });
    expect(server.requests).toHaveLength(0);
  });

  it("embedBatch is split into requests of at most 32 texts", async () => {
    const texts = Array.from({ length: 70 }, (_, index) => `text number ${index}`);
    const vectors = await (await gateway()).embedBatch(texts, "line-embed-1");
    expect(vectors).toHaveLength(70);
    expect(vectors[0]).toMatchObject({ model: "line-embed-1-2026-01", dimensions: 8 });
    const sizes = server.requests.map((request) => JSON.parse(request.body).input.length);
    expect(sizes.sort((a, b) => b - a)).toEqual([32, 32, 6]);
  });

  it("maps a LineChat rate limit to a typed error the gateway reports", async () => {
    server.failNext({
      status: 429,
      error: { type: "rate_limited", message: "Slow down" },
      headers: { "retry-after": "3" },
    });
    await expect(
      (await gateway()).chat([Message.user("hi")], { model: "line-1", fallbacks: false }),
    ).rejects.toMatchObject({ code: "rate_limited", retryAfterMs: 3000, provider: "linechat" });
  });
});
