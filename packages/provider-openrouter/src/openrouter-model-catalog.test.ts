import { RatatoskrError } from "@ratatoskr/core";
import { expectNoSecret, jsonReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { describe, expect, it, vi } from "vitest";
import { fixture, TEST_API_KEY as KEY } from "./openrouter-fixtures.test-helpers.ts";
import { createOpenRouterModelCatalog } from "./openrouter-model-catalog.ts";
import { createOpenRouter } from "./openrouter-provider.ts";

const server = useOpenAIWireMockServer();
const signal = () => new AbortController().signal;
const catalog = () => createOpenRouterModelCatalog({ baseURL: `${server.url}/api/v1` });
const call = (model: string) => ({ model, signal: signal(), providerOptions: {} });

async function rejection(promise: Promise<unknown>): Promise<RatatoskrError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(RatatoskrError.isInstance(caught), `a RatatoskrError, got ${String(caught)}`).toBe(true);
  return caught as RatatoskrError;
}

describe("OpenRouter's model catalog", () => {
  it("sends GET /api/v1/models with no key and lists registry records of the text and embedding models", async () => {
    server.reply(jsonReply(200, fixture("openrouter-models.json")));
    const { models, warnings } = await catalog().listModels({ signal: signal() });
    const [request] = server.requests;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/api/v1/models");
    expect(request?.headers.authorization).toBeUndefined();
    expect(warnings).toBeUndefined();
    expect(models.map((model) => model.id)).toEqual([
      "anthropic/claude-sonnet-4.6",
      "google/gemini-3-flash-preview",
      "google/gemini-3.1-flash-image-preview",
      "meta-llama/llama-3.3-70b-instruct:free",
      "minimax/minimax-m2.1",
      "openai/text-embedding-3-small",
      "openrouter/auto",
    ]);
    expect(models[0]).toEqual({
      id: "anthropic/claude-sonnet-4.6",
      provider: "openrouter",
      capabilities: ["Chat", "ToolUse"],
      context_window: 1_000_000,
      dimensions: null,
      source: "provider",
    });
    expect(
      models.find((model) => model.id === "openai/text-embedding-3-small")?.capabilities,
    ).toEqual(["Embed"]);
  });

  it("the provider lists without sending its key, with its attribution headers", async () => {
    server.reply(jsonReply(200, fixture("openrouter-models.json")));
    const provider = createOpenRouter({
      apiKey: KEY,
      baseURL: `${server.url}/api/v1`,
      appName: "Ratatoskr tests",
    });
    const { models } = await provider.models!.listModels({ signal: signal() });
    expect(models).toHaveLength(7);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[0]?.headers["x-title"]).toBe("Ratatoskr tests");
  });

  it("fetchModelMetadata answers the model's record, prices per million tokens, or undefined", async () => {
    server.reply(jsonReply(200, fixture("openrouter-models.json")));
    expect(await catalog().fetchModelMetadata!(call("anthropic/claude-sonnet-4.6"))).toMatchObject({
      info: {
        id: "anthropic/claude-sonnet-4.6",
        provider: "openrouter",
        context_window: 1_000_000,
      },
      pricing: { prompt_cost_per_mtok: 3, completion_cost_per_mtok: 15 },
      max_output_tokens: 128_000,
      parameters: {
        temperature: { availability: "mutable", range: { min: 0, max: 2 } },
        tools: { availability: "opaque" },
      },
    });
    server.reply(jsonReply(200, fixture("openrouter-models.json")));
    const auto = await catalog().fetchModelMetadata!(call("openrouter/auto"));
    expect(auto?.pricing, "a variable price (-1) is left out").toBeUndefined();
    server.reply(jsonReply(200, fixture("openrouter-models.json")));
    expect(await catalog().fetchModelMetadata!(call("nobody/nothing"))).toBeUndefined();
  });

  it("leaves out models with neither text nor embedding output, with a warning", async () => {
    const list = JSON.parse(fixture("openrouter-models.json")) as { data: object[] };
    list.data.push({
      id: "black-forest-labs/flux-pro",
      architecture: { modality: "text->image", output_modalities: ["image"] },
    });
    server.reply(jsonReply(200, list));
    const { models, warnings } = await catalog().listModels({ signal: signal() });
    expect(models).toHaveLength(7);
    expect(warnings).toEqual([
      {
        type: "other",
        message:
          "openrouter: 1 listed model was left out (no id, or neither text nor embedding output)",
      },
    ]);
  });

  it("maps 401 to `authentication` without the key, bad JSON to `json`, a wrong shape to `data`", async () => {
    server.reply(jsonReply(401, fixture("openrouter-error-401.json")));
    const provider = createOpenRouter({ apiKey: KEY, baseURL: `${server.url}/api/v1` });
    const unauthorised = await rejection(provider.models!.listModels({ signal: signal() }));
    expect(unauthorised.code).toBe("authentication");
    expect(unauthorised.message).toBe("openrouter returned HTTP 401: No auth credentials found");
    expectNoSecret(unauthorised, KEY);
    server.reply(jsonReply(200, '{"data": [{"id": '));
    const json = await rejection(catalog().listModels({ signal: signal() }));
    expect(json.code).toBe("json");
    expect(json.provider).toBe("openrouter");
    expect(json.message).toMatch(/^openrouter answered GET \/models with invalid JSON/);
    server.reply(jsonReply(200, { models: [] }));
    const data = await rejection(catalog().fetchModelMetadata!(call("a/b")));
    expect(data.code).toBe("data");
    expect(data.provider).toBe("openrouter");
    expect(data.message).toMatch(
      /^openrouter answered GET \/models with an unexpected body: .*data/,
    );
  });

  it("rejects an aborted signal without sending, aborts in flight, and names the server when unreachable", async () => {
    const aborted = new AbortController();
    aborted.abort();
    expect((await rejection(catalog().listModels({ signal: aborted.signal }))).code).toBe(
      "aborted",
    );
    expect(server.requests).toHaveLength(0);
    server.reply({ ...jsonReply(200, '{"data": ['), hang: true });
    const inFlight = new AbortController();
    const pending = catalog().listModels({ signal: inFlight.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    inFlight.abort();
    expect((await rejection(pending)).code).toBe("aborted");
    const refused = createOpenRouterModelCatalog({
      baseURL: "http://127.0.0.1:9/api/v1",
      fetch: () => Promise.reject(new TypeError("fetch failed")),
    });
    const network = await rejection(refused.listModels({ signal: signal() }));
    expect(network.code).toBe("network");
    expect(network.message).toMatch(
      /^Could not reach openrouter at http:\/\/127\.0\.0\.1:9\/api\/v1/,
    );
  });

  describe("reuses a listing for listingTtlMs", () => {
    const listing = () => jsonReply(200, fixture("openrouter-models.json"));
    const fetchMetadata = (c: ReturnType<typeof catalog>, model: string) =>
      c.fetchModelMetadata!(call(model));

    it("looks up several models with one download, and downloads again once the listing expired", async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        server.reply(listing(), listing());
        const shared = createOpenRouterModelCatalog({
          baseURL: `${server.url}/api/v1`,
          listingTtlMs: 1_000,
        });
        expect((await fetchMetadata(shared, "openrouter/auto"))?.info.id).toBe("openrouter/auto");
        expect((await fetchMetadata(shared, "minimax/minimax-m2.1"))?.info.id).toBe(
          "minimax/minimax-m2.1",
        );
        expect((await shared.listModels({ signal: signal() })).models).toHaveLength(7);
        expect(server.requests).toHaveLength(1);
        vi.advanceTimersByTime(1_000);
        await fetchMetadata(shared, "openrouter/auto");
        expect(server.requests).toHaveLength(2);
      } finally {
        vi.useRealTimers();
      }
    });

    it("never keeps a failure, and listingTtlMs 0 downloads every time", async () => {
      server.reply(jsonReply(503, '{"error": {"message": "busy"}}'), listing(), listing());
      const shared = createOpenRouterModelCatalog({ baseURL: `${server.url}/api/v1` });
      expect((await rejection(fetchMetadata(shared, "openrouter/auto"))).status).toBe(503);
      expect((await fetchMetadata(shared, "openrouter/auto"))?.info.id).toBe("openrouter/auto");
      const uncached = createOpenRouterModelCatalog({
        baseURL: `${server.url}/api/v1`,
        listingTtlMs: 0,
      });
      server.reply(listing(), listing());
      await fetchMetadata(uncached, "openrouter/auto");
      await fetchMetadata(uncached, "openrouter/auto");
      expect(server.requests).toHaveLength(4);
    });

    it("a kept listing still honours an aborted signal", async () => {
      server.reply(listing());
      const shared = createOpenRouterModelCatalog({ baseURL: `${server.url}/api/v1` });
      await shared.listModels({ signal: signal() });
      const aborted = new AbortController();
      aborted.abort();
      expect((await rejection(shared.listModels({ signal: aborted.signal }))).code).toBe("aborted");
    });

    it.each([-1, Number.NaN, "60"])("refuses listingTtlMs %s with a configuration error", (ttl) => {
      const made = () => createOpenRouterModelCatalog({ listingTtlMs: ttl as number });
      expect(made).toThrow(RatatoskrError);
      expect(made).toThrow(/listingTtlMs must be a non-negative number of ms/);
    });
  });
});
