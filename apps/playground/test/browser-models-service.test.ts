/**
 * The Models and Service pages and the cost of a chat turn in a real
 * browser (Debian's Chromium, playwright-core): the models table with the
 * registry's prices and context windows, a model's record opened from it,
 * the presets; a chat turn's cost; the Service page saying how to connect
 * (embedded), and, over a real `ratd` with a response cache, its health and
 * the cache hit rate from its real metrics.
 */
import { createUsage } from "@ratatoskr/core";
import { type Gateway, Ratatoskr, shippedRegistry } from "@ratatoskr/gateway";
import { createMetricsCollector, type Ratd, startRatd } from "@ratatoskr/server";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlaygroundGateway } from "../src/build-playground-gateway.ts";
import { buildClientAssets } from "../src/client-assets.ts";
import { connectRemoteGateway } from "../src/connect-remote-gateway.ts";
import { loadPlaygroundConfig } from "../src/playground-config.ts";
import { type RunningPlayground, startPlaygroundServer } from "../src/playground-server.ts";
import { formatTurnCost } from "../src/turn-cost.ts";
import {
  assertChromiumInstalled,
  axeViolations,
  type BrowserHarness,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  screenshot,
  startBrowserHarness,
  testConfig,
} from "./browser-harness.ts";

const SONNET = "anthropic/claude-sonnet-4.6";
// Built at run time: no token literal in the source.
const TOKEN = ["browser", "service", "token", "0123456789"].join("-");

const integer = new Intl.NumberFormat("en-US");
const perMillion = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 4,
});

describe("Models page, chat cost and the Service page not connected (embedded)", () => {
  const mock = createMockProvider({
    id: "mock",
    capabilities: ["chat"],
    models: { list: [SONNET, { id: "mock-small", context_window: 8192 }], metadata: {} },
  });
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness(
      [{ provider: mock, label: "Mock (scripted)", models: { chat: [`mock:${SONNET}`] } }],
      testConfig(),
    );
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("the models table shows the registry's context and prices; a click opens the model's record", async () => {
    const { page, server } = harness;
    const record = shippedRegistry().get(SONNET)!;
    await page.goto(`${server.url}#/models`);
    const row = page.locator(
      `[data-testid="model-row"][data-model="${SONNET}"][data-provider="mock"]`,
    );
    await row.waitFor();
    expect(await row.getByTestId("model-context").textContent()).toBe(
      integer.format(record.info.context_window!),
    );
    expect(await row.getByTestId("model-price-in").textContent()).toBe(
      perMillion.format(record.pricing!.prompt_cost_per_mtok!),
    );
    expect(await row.getByTestId("model-price-out").textContent()).toBe(
      perMillion.format(record.pricing!.completion_cost_per_mtok!),
    );
    const small = page.locator('[data-testid="model-row"][data-model="mock-small"]');
    expect(await small.getByTestId("model-context").textContent()).toBe("8,192");
    expect(await small.getByTestId("model-price-in").textContent()).toBe("—");
    // The presets, tier → model.
    const presets = page.getByTestId("preset-row");
    await presets.first().waitFor();
    expect(await presets.count()).toBeGreaterThan(0);

    await row.getByRole("button", { name: SONNET }).click();
    const detail = page.locator(`[data-testid="model-detail"][data-model="${SONNET}"]`);
    await detail.waitFor();
    expect(await detail.getByTestId("detail-context").textContent()).toBe(
      `${integer.format(record.info.context_window!)} tokens`,
    );
    expect(await detail.getByTestId("detail-pricing").textContent()).toBe(
      `${perMillion.format(record.pricing!.prompt_cost_per_mtok!)} in / ${perMillion.format(record.pricing!.completion_cost_per_mtok!)} out`,
    );
    expect(await detail.getByTestId("detail-parameters").textContent()).toContain("temperature");
    expect(await detail.getByTestId("detail-status").textContent()).toContain("available");
    await screenshot(page, "models");

    // A model nobody knows: the typed error, in place.
    await page.getByTestId("model-lookup").fill("nobody-knows-this-model");
    await page.getByTestId("model-lookup-run").click();
    await expect
      .poll(() => page.getByTestId("error").first().textContent())
      .toContain("model_not_found");
  });

  it("a chat turn shows its cost at the registry's prices", async () => {
    const { page, server } = harness;
    const usage = createUsage(1200, 300);
    mock.enqueueStream([
      { type: "content", text: "Priced answer." },
      { type: "usage", usage },
      { type: "done", finishReason: "stop", usage },
    ]);
    await page.goto(`${server.url}#/chat`);
    await page.getByTestId("chat-model").fill(`mock:${SONNET}`);
    await page.getByTestId("chat-input").fill("How much?");
    await page.getByTestId("chat-send").click();
    const turn = page.getByTestId("assistant-turn");
    await expect.poll(() => turn.getAttribute("data-state")).toBe("done");
    const prices = shippedRegistry().get(SONNET)!.pricing!;
    const usd =
      (1200 * prices.prompt_cost_per_mtok! + 300 * prices.completion_cost_per_mtok!) / 1_000_000;
    expect(await turn.getByTestId("usage").textContent()).toBe("1200 in / 300 out");
    expect(await turn.getByTestId("cost").textContent()).toBe(
      formatTurnCost({ usd, source: "registry" }),
    );
  });

  it("the Service page says how to connect a ratd when the playground has none", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/service`);
    const connect = page.getByTestId("service-connect");
    await connect.waitFor();
    const text = (await connect.textContent()) ?? "";
    expect(text).toContain("RATATOSKR_URL=http://127.0.0.1:9741");
    expect(text).toContain("ratd");
    expect(text).toContain("RATATOSKR_TOKEN");
    expect(await page.getByTestId("nav-service").getAttribute("class")).toContain("off");
    await screenshot(page, "service-not-connected");
  });
});

describe("the Service page over a real ratd (remote mode)", () => {
  let mock: MockProvider;
  let served: Gateway;
  let ratd: Ratd;
  let built: PlaygroundGateway;
  let server: RunningPlayground;
  let browser: Browser;
  let page: Page;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    assertChromiumInstalled();
    mock = createMockProvider({ id: "mock", capabilities: ["chat", "embed"], dimensions: 8 });
    const collector = createMetricsCollector();
    served = await Ratatoskr.builder().use(mock).cache().hooks(collector.hooks).build();
    ratd = await startRatd({ gateway: served, port: 0, token: TOKEN, metrics: { collector } });
    const config = loadPlaygroundConfig({
      env: { PORT: "0", RATATOSKR_URL: ratd.url, RATATOSKR_TOKEN: TOKEN },
      cwd: "/nonexistent",
    });
    const [connected, assets] = await Promise.all([
      connectRemoteGateway(config),
      buildClientAssets({ minify: false }),
    ]);
    built = connected;
    server = await startPlaygroundServer({ ...built, config, assets });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(240_000);
    page.setDefaultNavigationTimeout(240_000);
    page.on("pageerror", (error) => browserErrors.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await built?.gateway.dispose();
    await ratd?.close({ graceMs: 0 });
    await served?.dispose();
  });

  it("shows the daemon's health and the cache hit rate from its metrics", async () => {
    // The same text embedded twice through the playground: a miss, then the daemon's cache hits.
    for (let round = 0; round < 2; round++) {
      const response = await fetch(`${server.url}api/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ texts: ["cached text"], model: "mock-embed" }),
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(mock.callsOf("embed")).toHaveLength(1);

    await page.goto(`${server.url}#/service`);
    await page.getByTestId("service-health").waitFor();
    expect(await page.getByTestId("service-healthy").textContent()).toBe("healthy");
    expect(await page.getByTestId("service-providers").textContent()).toBe("mock");
    expect(await page.getByTestId("cache-hit-rate").textContent()).toBe("50.0%");
    expect(await page.getByTestId("service-requests").textContent()).toContain("embed");
    expect(await page.getByTestId("nav-service").getAttribute("class")).not.toContain("off");
    expect(await page.content()).not.toContain(TOKEN);
    // The connected state has no WCAG A/AA violations (accessibility.test.ts checks the rest).
    expect(await axeViolations(page)).toBe("");
    await screenshot(page, "service");
    expect(browserErrors).toEqual([]);
  });
});
