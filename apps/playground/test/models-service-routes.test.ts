/**
 * The Models and Service pages' API, and the cost of a chat turn, through
 * Hono's in-memory `app.request()`: the models table (listed models and
 * the presets' models, with the registry's prices and context windows),
 * one model's record and status, bad input answered 400 naming the field,
 * the turn's cost from the provider's report or the registry's prices (or
 * unknown); the Service page not connected (how to connect) and connected
 * to a real `ratd` with a response cache, whose real metrics are scraped
 * and summarised.
 */
import { createUsage, type Usage } from "@ratatoskr/core";
import { type Gateway, Ratatoskr, shippedRegistry } from "@ratatoskr/gateway";
import { createMetricsCollector, type Ratd, startRatd } from "@ratatoskr/server";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlaygroundGateway } from "../src/build-playground-gateway.ts";
import { buildPlaygroundGateway } from "../src/build-playground-gateway.ts";
import {
  type ApiError,
  type ChatStreamEvent,
  type ModelDetail,
  type ModelsAnswer,
  readChatStream,
  type ServiceAnswer,
} from "../src/client/api.ts";
import { connectRemoteGateway } from "../src/connect-remote-gateway.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";
import { createPlaygroundApp } from "../src/playground-server.ts";
import { parsePrometheusText } from "../src/prometheus-text.ts";

const HOST = { host: "127.0.0.1:4173" };
const SONNET = "anthropic/claude-sonnet-4.6";
// Built at run time: no token literal in the source.
const TOKEN = ["service", "page", "token", "0123456789"].join("-");

/** An API answer's status and JSON body, typed as the browser's client types it. */
async function get<Body>(app: ReturnType<typeof createPlaygroundApp>, path: string) {
  const response = await app.request(path, { headers: HOST });
  return { status: response.status, body: (await response.json()) as Body };
}

type ErrorAnswer = { error: ApiError };

/** The connected shape of `/api/service` (fails the test on the other). */
function connected(answer: ServiceAnswer) {
  if (!answer.connected) throw new Error("expected a connected service answer");
  return answer;
}

function embeddedConfig(): PlaygroundConfig {
  return {
    ...loadPlaygroundConfig({ env: { PORT: "0" }, cwd: "/nonexistent" }),
    providers: { ollama: { probe: false }, local: { detectCached: false, defaultModels: false } },
  };
}

function remoteConfig(url: string, env: Record<string, string> = {}): PlaygroundConfig {
  return loadPlaygroundConfig({
    env: { PORT: "0", RATATOSKR_URL: url, RATATOSKR_TOKEN: TOKEN, ...env },
    cwd: "/nonexistent",
  });
}

/** The events of one chat turn of `model`, answered by the mock with `usage`. */
async function chatTurn(
  app: ReturnType<typeof createPlaygroundApp>,
  mock: MockProvider,
  model: string,
  usage: Usage | undefined,
) {
  mock.enqueueStream([
    { type: "content", text: "Priced." },
    ...(usage === undefined ? [] : [{ type: "usage" as const, usage }]),
    { type: "done", finishReason: "stop", ...(usage === undefined ? {} : { usage }) },
  ]);
  const response = await app.request("/api/chat", {
    method: "POST",
    headers: { ...HOST, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], model, tools: false }),
  });
  const events: ChatStreamEvent[] = [];
  await readChatStream(response.body!, (event) => events.push(event));
  const stats = events.find((event) => event.type === "stats");
  expect(stats).toBeDefined();
  return stats as Extract<ChatStreamEvent, { type: "stats" }>;
}

describe("embedded: the Models page's API and the cost of a chat turn", () => {
  const mock = createMockProvider({
    id: "mock",
    capabilities: ["chat"],
    models: {
      list: [SONNET, { id: "mock-small", context_window: 8192 }],
      metadata: {},
    },
  });
  let built: Awaited<ReturnType<typeof buildPlaygroundGateway>>;
  let app: ReturnType<typeof createPlaygroundApp>;
  beforeAll(async () => {
    const config = embeddedConfig();
    built = await buildPlaygroundGateway(config, { providers: [{ provider: mock }] });
    app = createPlaygroundApp({ ...built, config, assets: { script: "", style: "" } });
  });
  afterAll(async () => {
    await built?.gateway.dispose();
  });

  it("GET /api/models: listed models and the presets' models with the registry's prices and context", async () => {
    const { status, body } = await get<ModelsAnswer>(app, "/api/models");
    expect(status).toBe(200);
    const expected = shippedRegistry().get(SONNET)!;
    const sonnet = body.models.find(
      (row: { id: string; provider: string }) => row.id === SONNET && row.provider === "mock",
    );
    expect(sonnet).toEqual({
      id: SONNET,
      provider: "mock",
      source: "provider",
      capabilities: [...expected.info.capabilities],
      contextWindow: expected.info.context_window,
      maxOutputTokens: expected.max_output_tokens ?? null,
      pricing: {
        prompt: expected.pricing!.prompt_cost_per_mtok,
        completion: expected.pricing!.completion_cost_per_mtok,
      },
    });
    // A model the registry does not know: the listing's context window, no price.
    expect(body.models).toContainEqual(
      expect.objectContaining({ id: "mock-small", contextWindow: 8192, pricing: null }),
    );
    // The presets, tier → model, as the gateway resolves them.
    const presets = built.gateway.listPresets();
    expect(presets.length).toBeGreaterThan(0);
    expect(body.presets).toEqual(
      presets.map(({ uri, tier, capability, model, source }) => ({
        uri,
        tier,
        capability,
        model,
        source,
      })),
    );
    // Every preset's model has a row; those the registry prices carry their prices.
    for (const preset of presets) {
      const row = body.models.find((candidate: { id: string }) => candidate.id === preset.model);
      expect(row, preset.model).toBeDefined();
      const record = shippedRegistry().get(preset.model);
      if (record?.pricing?.prompt_cost_per_mtok !== undefined)
        expect(row?.pricing?.prompt).toBe(record.pricing.prompt_cost_per_mtok);
    }
    expect(body.failures).toEqual([]);
  });

  it("GET /api/models?provider=mock lists that provider's models only", async () => {
    const { status, body } = await get<ModelsAnswer>(app, "/api/models?provider=mock");
    expect(status).toBe(200);
    expect(body.models.map((row: { id: string }) => row.id)).toEqual([SONNET, "mock-small"]);
  });

  it("GET /api/model: one model's parameters, pricing, context and status", async () => {
    const expected = shippedRegistry().get(SONNET)!;
    const { status, body } = await get<ModelDetail>(
      app,
      `/api/model?model=${encodeURIComponent(SONNET)}`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      model: SONNET,
      id: SONNET,
      contextWindow: expected.info.context_window,
      maxOutputTokens: expected.max_output_tokens ?? null,
      pricing: {
        prompt: expected.pricing!.prompt_cost_per_mtok,
        completion: expected.pricing!.completion_cost_per_mtok,
      },
    });
    expect(body.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      Object.keys(expected.parameters).sort(),
    );
    const temperature = body.parameters.find(
      (parameter: { name: string }) => parameter.name === "temperature",
    );
    expect(temperature?.availability).toBe(expected.parameters.temperature!.availability);
    expect(body.status).toMatchObject({ model: SONNET, state: "available", provider: "mock" });
  });

  it("GET /api/model of a model nobody knows is a typed 404", async () => {
    const { status, body } = await get<ErrorAnswer>(
      app,
      "/api/model?model=nobody-knows-this-model",
    );
    expect(status).toBe(404);
    expect(body.error.code).toBe("model_not_found");
  });

  it("bad input is a typed 400 naming the field", async () => {
    for (const path of ["/api/model", "/api/model?model=", "/api/model?model=%20%20"]) {
      const { status, body } = await get<ErrorAnswer>(app, path);
      expect(status, path).toBe(400);
      expect(body.error).toMatchObject({ code: "invalid_input", field: "model" });
      expect(body.error.message).toContain('"model"');
    }
    const long = await get<ErrorAnswer>(app, `/api/model?model=${"m".repeat(5000)}`);
    expect(long.status).toBe(400);
    expect(long.body.error.field).toBe("model");
    const provider = await get<ErrorAnswer>(app, "/api/models?provider=");
    expect(provider.status).toBe(400);
    expect(provider.body.error).toMatchObject({ code: "invalid_input", field: "provider" });
  });

  it("a chat turn's cost: the registry's prices, the provider's report, or unknown", async () => {
    const prices = shippedRegistry().get(SONNET)!.pricing!;
    const priced = await chatTurn(app, mock, `mock:${SONNET}`, createUsage(1000, 500));
    expect(priced.cost).toEqual({
      usd:
        (1000 * prices.prompt_cost_per_mtok! + 500 * prices.completion_cost_per_mtok!) / 1_000_000,
      source: "registry",
    });
    const reported = await chatTurn(
      app,
      mock,
      "mock:mock-small",
      createUsage(10, 5, { cost: { usd: 0.0123, source: "provider" } }),
    );
    expect(reported.cost).toEqual({ usd: 0.0123, source: "provider" });
    const unknown = await chatTurn(app, mock, "mock:mock-small", createUsage(10, 5));
    expect(unknown.usage).toMatchObject({ promptTokens: 10, completionTokens: 5 });
    expect(unknown.cost).toBeNull();
    const unreported = await chatTurn(app, mock, `mock:${SONNET}`, undefined);
    expect(unreported.cost).toBeNull();
  });

  it("GET /api/service, not connected: how to connect a ratd", async () => {
    const { status, body } = await get<ServiceAnswer>(app, "/api/service");
    expect(status).toBe(200);
    if (body.connected) throw new Error("expected the not-connected answer");
    expect(body.mode).toBe("embedded");
    const settings = body.hints.map((hint: { setting: string }) => hint.setting).join("\n");
    expect(settings).toContain("RATATOSKR_URL=http://127.0.0.1:9741");
    expect(settings).toContain("ratd");
    expect(settings).toContain("RATATOSKR_TOKEN");
  });
});

describe("remote: the Service page over a real ratd with metrics and a response cache", () => {
  let mock: MockProvider;
  let served: Gateway;
  let ratd: Ratd;
  let built: PlaygroundGateway;
  let app: ReturnType<typeof createPlaygroundApp>;

  beforeAll(async () => {
    mock = createMockProvider({ id: "mock", capabilities: ["chat", "embed"], dimensions: 8 });
    const collector = createMetricsCollector();
    served = await Ratatoskr.builder().use(mock).cache().hooks(collector.hooks).build();
    ratd = await startRatd({ gateway: served, port: 0, token: TOKEN, metrics: { collector } });
    const config = remoteConfig(ratd.url);
    built = await connectRemoteGateway(config);
    app = createPlaygroundApp({ ...built, config, assets: { script: "", style: "" } });
  });
  afterAll(async () => {
    await built?.gateway.dispose();
    await ratd?.close({ graceMs: 0 });
    await served?.dispose();
  });

  it("shows the daemon's health and its metrics: calls, cache hit rate, tokens", async () => {
    const embed = () =>
      app.request("/api/embeddings", {
        method: "POST",
        headers: { ...HOST, "content-type": "application/json" },
        body: JSON.stringify({ texts: ["the same text"], model: "mock-embed" }),
      });
    expect((await embed()).status).toBe(200);
    expect((await embed()).status).toBe(200); // the daemon's cache answers this one
    expect(mock.callsOf("embed")).toHaveLength(1);
    // A chat turn whose tokens the daemon counts.
    mock.enqueueStream([
      { type: "content", text: "Counted." },
      { type: "done", finishReason: "stop", usage: createUsage(12, 7) },
    ]);
    const chat = await app.request("/api/chat", {
      method: "POST",
      headers: { ...HOST, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], model: "mock-chat" }),
    });
    await chat.text();

    const answer = await get<ServiceAnswer>(app, "/api/service");
    expect(answer.status).toBe(200);
    const body = connected(answer.body);
    expect(JSON.stringify(body)).not.toContain(TOKEN);
    expect(body).toMatchObject({
      connected: true,
      url: ratd.url,
      metricsUrl: `${ratd.url}/metrics`,
      healthError: null,
      metricsError: null,
    });
    expect(body.health).toMatchObject({ healthy: true, providers: ["mock"] });
    expect(typeof body.health?.version).toBe("string");
    const metrics = body.metrics!;

    // The same counters, scraped here directly.
    const scraped = await fetch(`${ratd.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const text = await scraped.text();
    const counter = (name: string, label = "") =>
      text
        .split("\n")
        .filter((line) => line.startsWith(`${name}{`) && line.includes(label))
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    const hits = counter("ratatoskr_cache_hits_total");
    const misses = counter("ratatoskr_cache_misses_total");
    expect(hits).toBe(1);
    expect(misses).toBe(1);
    expect(metrics.cache).toEqual({
      hits,
      misses,
      errors: 0,
      hitRate: hits / (hits + misses),
    });
    expect(metrics.cache.hitRate).toBe(0.5);
    expect(metrics.requests).toContainEqual({
      capability: "embed",
      outcome: "ok",
      count: counter("ratatoskr_requests_total", 'capability="embed"'),
    });
    expect(metrics.requests).toContainEqual({
      capability: "chat",
      outcome: "ok",
      count: counter("ratatoskr_requests_total", 'capability="chat"'),
    });
    expect(metrics.tokens).toEqual({
      prompt: counter("ratatoskr_tokens_total", 'direction="prompt"'),
      completion: counter("ratatoskr_tokens_total", 'direction="completion"'),
    });
    expect(metrics.tokens).toEqual({ prompt: 12, completion: 7 });
    expect(metrics.requestsTotal).toBe(counter("ratatoskr_requests_total"));
    expect(metrics.samples).toBe(parsePrometheusText(text).length);
  });

  it("the Models page's API answers through the daemon", async () => {
    const { status, body } = await get<ModelsAnswer>(app, "/api/models");
    expect(status).toBe(200);
    expect(body.presets).toEqual(
      served.listPresets().map(({ uri, tier, capability, model, source }) => ({
        uri,
        tier,
        capability,
        model,
        source,
      })),
    );
    const record = served.modelMetadata(SONNET)!;
    const detail = await get<ModelDetail>(app, `/api/model?model=${encodeURIComponent(SONNET)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.pricing).toEqual({
      prompt: record.pricing!.prompt_cost_per_mtok,
      completion: record.pricing!.completion_cost_per_mtok,
    });
  });

  it("a scrape that fails is reported in its place, typed; the health still shows", async () => {
    const config = remoteConfig(ratd.url, { RATATOSKR_METRICS_URL: `${ratd.url}/not-metrics` });
    const other = await connectRemoteGateway(config);
    try {
      const otherApp = createPlaygroundApp({ ...other, config, assets: { script: "", style: "" } });
      const body = connected((await get<ServiceAnswer>(otherApp, "/api/service")).body);
      expect(body.health?.healthy).toBe(true);
      expect(body.metrics).toBeNull();
      expect(body.metricsError?.code).toMatch(/configuration|http|authentication/);
      expect(body.metricsError?.message).toContain("/not-metrics");
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    } finally {
      await other.gateway.dispose();
    }
  });
});
