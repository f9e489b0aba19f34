import { RatatoskrError } from "@ratatoskr/core";
import { expectNoSecret } from "@ratatoskr/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropic } from "../src/index.ts";
import { type AnthropicMock, fixture, startAnthropicMock } from "./anthropic-mock-server.ts";

const KEY = "test-key-canary-123456";
let mock: AnthropicMock;
beforeAll(async () => {
  mock = await startAnthropicMock();
});
afterEach(() => {
  mock.reset();
  mock.requests.length = 0;
});
afterAll(async () => {
  await mock.close();
});

const provider = () => createAnthropic({ apiKey: KEY, baseURL: mock.url });
const signal = () => new AbortController().signal;
const call = (model: string) => ({ model, signal: signal(), providerOptions: {} });
const CAPABILITIES = ["Chat", "ChatStreaming", "ToolUse", "TokenCounting"];

async function rejection(promise: Promise<unknown>): Promise<RatatoskrError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(RatatoskrError.isInstance(caught), `a RatatoskrError, got ${String(caught)}`).toBe(true);
  return caught as RatatoskrError;
}

describe("the Anthropic model catalog", () => {
  it("sends GET /v1/models with the key and anthropic-version, follows has_more with after_id", async () => {
    mock.enqueue({ json: fixture("models-page-1.json") }, { json: fixture("models-page-2.json") });
    const result = await provider().models.listModels({ signal: signal() });
    expect(mock.requests.map((request) => [request.method, request.url])).toEqual([
      ["GET", "/v1/models?limit=1000"],
      ["GET", "/v1/models?limit=1000&after_id=claude-sonnet-4-5-20250929"],
    ]);
    for (const request of mock.requests) {
      // The SDK sends the key as x-api-key or, in newer versions, as a bearer token.
      const credential =
        request.headers["x-api-key"] ?? request.headers.authorization?.replace(/^Bearer /, "");
      expect(credential).toBe(KEY);
      expect(request.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(result).toEqual({
      models: [
        {
          id: "claude-opus-4-6",
          provider: "anthropic",
          capabilities: CAPABILITIES,
          context_window: 1_000_000,
          source: "provider",
        },
        {
          id: "claude-sonnet-4-5-20250929",
          provider: "anthropic",
          capabilities: CAPABILITIES,
          source: "provider",
        },
        {
          id: "claude-haiku-4-5-20251001",
          provider: "anthropic",
          capabilities: CAPABILITIES,
          source: "provider",
        },
      ],
    });
  });

  it("stops after MAX_MODEL_PAGES pages with a warning, and refuses a cursor that does not move", async () => {
    const page = (index: number) => ({
      json: {
        data: [{ type: "model", id: `claude-${index}` }],
        has_more: true,
        last_id: `claude-${index}`,
      },
    });
    mock.enqueue(...Array.from({ length: 10 }, (_, index) => page(index)));
    const result = await provider().models.listModels({ signal: signal() });
    expect(result.models).toHaveLength(10);
    expect(result.warnings?.[0]?.type).toBe("other");
    expect(mock.requests).toHaveLength(10);
    mock.enqueue(page(1), page(1));
    const stuck = await rejection(provider().models.listModels({ signal: signal() }));
    expect(stuck.code).toBe("data");
    expect(stuck.message).toMatch(
      /^anthropic answered GET \/v1\/models .*has_more without a new last_id/,
    );
  });

  it("fetchModelMetadata reads GET /v1/models/{id} as a registry record; 404 is undefined", async () => {
    mock.enqueue({ json: fixture("model-opus.json") });
    const record = await provider().models.fetchModelMetadata!(call("claude-opus-4-6"));
    expect(mock.requests[0]?.url).toBe("/v1/models/claude-opus-4-6");
    expect(record).toMatchObject({
      info: {
        id: "claude-opus-4-6",
        provider: "anthropic",
        capabilities: CAPABILITIES,
        context_window: 1_000_000,
        dimensions: null,
      },
      max_output_tokens: 128_000,
      parameters: {
        max_tokens: { availability: "mutable", range: { min: 1, max: 128_000 } },
        temperature: { availability: "mutable", range: { min: 0, max: 1 } },
      },
    });
    mock.enqueue({ json: fixture("error-404.json"), status: 404 });
    expect(
      await provider().models.fetchModelMetadata!(call("claude-nonexistent-9")),
    ).toBeUndefined();
  });

  it("maps 401 to `authentication` without the key; bad JSON to `json`; a wrong shape to `data`", async () => {
    mock.enqueue({ json: fixture("error-401.json"), status: 401 });
    const unauthorised = await rejection(provider().models.listModels({ signal: signal() }));
    expect(unauthorised.code).toBe("authentication");
    expectNoSecret(unauthorised, KEY);
    mock.enqueue({ json: '{"data": [{"type": "model", ' });
    const json = await rejection(provider().models.listModels({ signal: signal() }));
    expect(json.code).toBe("json");
    expect(json.message).toMatch(/^anthropic answered GET \/v1\/models with invalid JSON/);
    expectNoSecret(json, KEY);
    mock.enqueue({ json: { models: [] } });
    const data = await rejection(provider().models.listModels({ signal: signal() }));
    expect(data.code).toBe("data");
    expect(data.provider).toBe("anthropic");
    mock.enqueue({ json: { data: [{ type: "model" }], has_more: false } });
    expect((await rejection(provider().models.listModels({ signal: signal() }))).message).toMatch(
      /a model without an id/,
    );
  });

  it("rejects an aborted signal without sending, and aborts a request in flight", async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect((await rejection(provider().models.listModels({ signal: aborted.signal }))).code).toBe(
      "aborted",
    );
    expect(mock.requests).toHaveLength(0);
    mock.enqueue({ sseThenHang: '{"data": [' });
    const inFlight = new AbortController();
    const pending = provider().models.listModels({ signal: inFlight.signal });
    await expect.poll(() => mock.requests.length).toBe(1);
    inFlight.abort();
    expect((await rejection(pending)).code).toBe("aborted");
  });
});
