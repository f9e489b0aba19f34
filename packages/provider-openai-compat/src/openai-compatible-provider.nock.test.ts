/**
 * The same fixtures served through nock instead of the loopback server, on
 * the real API host names: proves the provider talks to the configured URL and
 * nothing else (net connect is disabled while these tests run).
 */
import { collectChatStreamParts, Message, RatatoskrError } from "@ratatoskr/core";
import { chatRequestFor } from "@ratatoskr/testing";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixture, TEST_API_KEY as KEY } from "./openai-fixtures.test-helpers.ts";
import { createOpenAI } from "./openai-provider.ts";

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

describe("createOpenAI against nock-served api.openai.com", () => {
  it("streams parallel tool calls with the exact request body and headers", async () => {
    let sentBody: unknown;
    const scope = nock("https://api.openai.com", { reqheaders: { authorization: `Bearer ${KEY}` } })
      .post("/v1/chat/completions", (body) => {
        sentBody = body;
        return true;
      })
      .reply(200, fixture("openai-chat-stream-tools-parallel.sse"), {
        "content-type": "text/event-stream",
      });
    const openai = createOpenAI({ apiKey: KEY });
    const response = await collectChatStreamParts(
      openai.chat.stream(
        chatRequestFor([Message.user("Weather in Edinburgh, and AAPL?")], {
          model: "gpt-4o",
          tools: [
            {
              name: "GetWeatherArgs",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
            {
              name: "get_stock_price",
              parameters: { type: "object", properties: { ticker: { type: "string" } } },
            },
          ],
        }),
      ),
    );
    expect(scope.isDone()).toBe(true);
    expect(response.toolCalls.map((call) => call.name)).toEqual([
      "GetWeatherArgs",
      "get_stock_price",
    ]);
    expect(response.usage?.totalTokens).toBe(209);
    expect(sentBody).toMatchObject({
      model: "gpt-4o",
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("maps a nock-served 429 with retry-after, calling once", async () => {
    const scope = nock("https://api.openai.com")
      .post("/v1/chat/completions")
      .once()
      .reply(429, fixture("openai-error-429.json"), {
        "content-type": "application/json",
        "retry-after": "20",
      });
    const openai = createOpenAI({ apiKey: KEY });
    try {
      await openai.chat.complete(chatRequestFor([Message.user("Hi")], { model: "gpt-4o-mini" }));
      expect.unreachable();
    } catch (error) {
      expect(RatatoskrError.isInstance(error, "rate_limited")).toBe(true);
      expect((error as RatatoskrError).retryAfterMs).toBe(20_000);
    }
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });
});
