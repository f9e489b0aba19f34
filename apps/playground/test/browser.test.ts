/**
 * The playground in a real browser (Debian's Chromium, playwright-core),
 * against loopback mock providers: streamed chat with a tool call, abort,
 * token counts equal to the library's, the heatmap and the NLI bars.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatStreamPartV1, createUsage, type NliResult } from "@ratatoskr/core";
import { createMockProvider, hashEmbedding } from "@ratatoskr/testing";
import { createTokenizers } from "@ratatoskr/tokenizers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPlaygroundGateway } from "../src/build-playground-gateway.ts";
import { buildClientAssets } from "../src/client-assets.ts";
import { startPlaygroundServer } from "../src/playground-server.ts";
import { similarityMatrix } from "../src/similarity.ts";
import {
  assertChromiumInstalled,
  axeViolations,
  type BrowserHarness,
  screenshot,
  startBrowserHarness,
  testConfig,
} from "./browser-harness.ts";
import { startFirstRun } from "./first-run-fixture.ts";

const TOKEN_MODELS = ["gpt-4o", "llama-3.1-8b-instruct", "qwen3-8b", "gemma-3-4b-it"];
const TOKEN_TEXT =
  "Ratatoskr runs up and down Yggdrasil 🐿️ carrying messages — “quickly”, über-fast!\nLine two.";

function toolCallStream(): ChatStreamPartV1[] {
  const usage = createUsage(31, 18);
  return [
    { type: "reasoning", text: "The user wants arithmetic; " },
    { type: "reasoning", text: "I will use the calculator." },
    { type: "content", text: "Let me " },
    { type: "content", text: "compute that." },
    { type: "tool_call_start", index: 0, id: "call_calc_1", name: "calculator" },
    { type: "tool_call_delta", index: 0, arguments: '{"expres' },
    { type: "tool_call_delta", index: 0, arguments: 'sion": "12 * ' },
    { type: "tool_call_delta", index: 0, arguments: '(3 + 4)"}' },
    {
      type: "tool_call_end",
      index: 0,
      id: "call_calc_1",
      name: "calculator",
      arguments: '{"expression": "12 * (3 + 4)"}',
      parsedArguments: { expression: "12 * (3 + 4)" },
    },
    { type: "usage", usage },
    { type: "done", finishReason: "tool_calls", usage },
  ];
}

function answerStream(): ChatStreamPartV1[] {
  const usage = createUsage(52, 9);
  return [
    { type: "content", text: "12 × (3 + 4) " },
    { type: "content", text: "= 84." },
    { type: "usage", usage },
    { type: "done", finishReason: "stop", usage },
  ];
}

function slowStream(): ChatStreamPartV1[] {
  const words = Array.from({ length: 60 }, (_, index) => ({
    type: "content" as const,
    text: `word${index} `,
  }));
  return [...words, { type: "done", finishReason: "stop" }];
}

it("has Chromium to run the browser test with (apt-get install chromium; CI's .ci/run installs it)", () => {
  assertChromiumInstalled();
});

describe("playground in Chromium", () => {
  const mock = createMockProvider({
    id: "mock",
    capabilities: ["chat", "embed", "nli", "classify"],
    dimensions: 16,
  });
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness(
      [
        {
          provider: mock,
          label: "Mock (scripted)",
          models: {
            chat: ["mock:scripted"],
            embed: ["mock:embed"],
            nli: ["mock:nli"],
            classify: ["mock:zero-shot"],
          },
        },
      ],
      testConfig({ tokenModels: TOKEN_MODELS }),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it("streams a chat turn in order: reasoning, text, the tool call, its result, the answer", async () => {
    const { page, server } = harness;
    mock
      .enqueueStream({ events: toolCallStream(), delayMs: 80 })
      .enqueueStream({ events: answerStream(), delayMs: 60 });
    await page.goto(`${server.url}#/chat`);
    await page.getByTestId("chat-model").fill("mock:scripted");
    await expect.poll(() => page.getByTestId("chat-model-route").textContent()).toContain("mock");
    // Record every state the assistant turn goes through, to check the order things appeared in.
    await page.evaluate(() => {
      const seen: string[][] = [];
      (window as unknown as { seen: string[][] }).seen = seen;
      const transcript = document.querySelector('[data-testid="transcript"]')!;
      new MutationObserver(() => {
        const turn = transcript.querySelector('[data-testid="assistant-turn"]');
        if (!turn) return;
        seen.push(
          [
            ...turn.querySelectorAll(
              '[data-testid="reasoning"], [data-testid="assistant-text"], [data-testid="tool-call"], [data-testid="tool-result"]',
            ),
          ].map((element) => `${(element as HTMLElement).dataset.testid}:${element.textContent}`),
        );
      }).observe(transcript, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId("chat-input").fill("What is 12 * (3 + 4)?");
    await page.getByTestId("chat-send").click();
    const turn = page.getByTestId("assistant-turn");
    await expect.poll(() => turn.getAttribute("data-state")).toBe("done");

    const kinds = await turn
      .locator(
        '[data-testid="reasoning"], [data-testid="assistant-text"], [data-testid="tool-call"]',
      )
      .evaluateAll((elements) =>
        elements.map((element) => (element as HTMLElement).dataset.testid),
      );
    expect(kinds).toEqual(["reasoning", "assistant-text", "tool-call", "assistant-text"]);
    const texts = await turn.getByTestId("assistant-text").allTextContents();
    expect(texts).toEqual(["Let me compute that.", "12 × (3 + 4) = 84."]);
    expect(await turn.getByTestId("tool-name").textContent()).toBe("calculator");
    expect(JSON.parse((await turn.getByTestId("tool-arguments").textContent()) ?? "")).toEqual({
      expression: "12 * (3 + 4)",
    });
    expect(await turn.getByTestId("tool-result").textContent()).toContain("84");
    expect(await turn.getByTestId("answered-by").textContent()).toContain("mock");
    expect(await turn.getByTestId("usage").textContent()).toBe("83 in / 27 out");
    expect(await turn.getByTestId("latency").textContent()).toMatch(/total \d+ ms/);

    // Reasoning is collapsible: closed at first, opens on click.
    const reasoning = turn.getByTestId("reasoning");
    expect(await reasoning.getAttribute("open")).toBeNull();
    await reasoning.locator("summary").click();
    expect(await reasoning.getAttribute("open")).not.toBeNull();
    expect(await reasoning.textContent()).toContain("I will use the calculator.");

    // The order things appeared in while streaming.
    const seen = await page.evaluate(() => (window as unknown as { seen: string[][] }).seen);
    const firstIndex = (predicate: (items: string[]) => boolean) => seen.findIndex(predicate);
    const textGrew = new Set(
      seen.map((items) => items.find((item) => item.startsWith("assistant-text:")) ?? ""),
    ).size;
    expect(textGrew).toBeGreaterThan(2); // the text arrived in pieces, not at once
    const toolStarted = firstIndex((items) => items.some((item) => item.startsWith("tool-call:")));
    const toolArgumentsComplete = firstIndex((items) =>
      items.some((item) => item.startsWith("tool-call:") && item.includes('(3 + 4)"}')),
    );
    const resultShown = firstIndex((items) =>
      items.some((item) => item.startsWith("tool-result:")),
    );
    const answerShown = firstIndex((items) => items.some((item) => item.includes("= 84.")));
    expect(toolStarted).toBeGreaterThan(-1);
    expect(toolStarted).toBeLessThan(toolArgumentsComplete);
    expect(toolArgumentsComplete).toBeLessThan(resultShown);
    expect(resultShown).toBeLessThan(answerShown);

    // The server ran the tool and sent its result back to the model.
    const second = mock.callsOf("chatStream")[1]!;
    const sent = second.request.messages;
    expect(sent.at(-2)).toMatchObject({
      role: "assistant",
      toolCalls: [{ id: "call_calc_1", name: "calculator" }],
    });
    expect(sent.at(-1)).toEqual({
      role: "tool",
      toolCallId: "call_calc_1",
      content: "84",
      name: "calculator",
    });
    await screenshot(page, "chat");
    expect(await axeViolations(page)).toBe("");
  });

  it("stops a streaming answer: the page shows it aborted and the provider's request is cancelled", async () => {
    const { page } = harness;
    mock.enqueueStream({ events: slowStream(), delayMs: 150 });
    await page.getByTestId("chat-input").fill("Tell me a long story");
    await page.getByTestId("chat-send").click();
    const turn = page.getByTestId("assistant-turn").nth(1);
    await expect.poll(() => turn.getByTestId("assistant-text").count()).toBe(1);
    await page.getByTestId("chat-stop").click();
    await expect.poll(() => turn.getAttribute("data-state")).toBe("aborted");
    expect(await turn.getByTestId("stopped").textContent()).toContain("aborted");
    const streamCall = mock.calls.filter((call) => call.method === "chatStream").at(-1)!;
    await expect.poll(() => streamCall.signal?.aborted).toBe(true);
    const shown = (await turn.getByTestId("assistant-text").textContent()) ?? "";
    expect(shown).not.toContain("word59");
    // The composer is usable again.
    await expect.poll(() => page.getByTestId("chat-send").isVisible()).toBe(true);
  });

  it("counts tokens exactly as @ratatoskr/tokenizers does, with the tokens highlighted", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/tokens`);
    await page.getByTestId("tokens-text").fill(TOKEN_TEXT);
    await page.getByTestId("tokens-models").fill(TOKEN_MODELS.join(", "));
    await page.getByTestId("tokens-run").click();
    await expect.poll(() => page.getByTestId("token-count").count()).toBe(TOKEN_MODELS.length);
    const library = createTokenizers();
    for (const model of TOKEN_MODELS) {
      const column = page.locator(`[data-testid="token-result"][data-model="${model}"]`);
      const expected = await library.tokenCounting.countTokens({
        model,
        text: TOKEN_TEXT,
        signal: new AbortController().signal,
        providerOptions: {},
      });
      expect(Number(await column.getByTestId("token-count").textContent()), model).toBe(
        expected.count,
      );
      // The highlighted pieces put back together are the text (line breaks are shown as ↵).
      const pieces = await column.locator(".tok").allTextContents();
      expect(pieces.join("").replaceAll("↵", ""), model).toBe(TOKEN_TEXT);
      expect(pieces.length, model).toBeLessThanOrEqual(expected.count);
      expect(pieces.length, model).toBeGreaterThan(expected.count / 2);
    }
    await screenshot(page, "tokens");
    expect(await axeViolations(page)).toBe("");
  });

  it("draws the embeddings similarity matrix as a heatmap", async () => {
    const { page, server } = harness;
    const texts = [
      "the squirrel climbs the tree",
      "a squirrel on an ash tree",
      "stock markets rallied",
    ];
    await page.goto(`${server.url}#/embeddings`);
    await page.getByTestId("embed-model").fill("mock:embed");
    await page.getByTestId("embed-texts").fill(texts.join("\n"));
    await page.getByTestId("embed-run").click();
    await expect.poll(() => page.getByTestId("heatmap-cell").count()).toBe(9);
    const values = await page
      .getByTestId("heatmap-cell")
      .evaluateAll((cells) => cells.map((cell) => Number((cell as HTMLElement).dataset.value)));
    const expected = similarityMatrix(texts.map((text) => hashEmbedding(text, 16))).flat();
    expect(values).toEqual(expected);
    const colours = await page
      .getByTestId("heatmap-cell")
      .evaluateAll((cells) => cells.map((cell) => getComputedStyle(cell).backgroundColor));
    expect(new Set(colours).size).toBeGreaterThan(1);
    expect(colours.every((colour) => colour !== "rgba(0, 0, 0, 0)")).toBe(true);
    expect(await page.getByTestId("provenance").textContent()).toContain("mock");
    await screenshot(page, "embeddings");
    expect(await axeViolations(page)).toBe("");
  });

  it("shows NLI scores as three bars and zero-shot labels ranked", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/nli`);
    await page.getByTestId("nli-model").fill("mock:nli");
    await page.getByTestId("nli-premise").fill("The squirrel runs up the tree.");
    await page.getByTestId("nli-hypothesis").fill("The squirrel does not move.");
    await page.getByTestId("nli-run").click();
    await expect.poll(() => page.getByTestId("nli-result").count()).toBe(1);
    const [expected] = (
      await mock.nli!.infer({
        model: "nli",
        pairs: [
          { premise: "The squirrel runs up the tree.", hypothesis: "The squirrel does not move." },
        ],
        signal: new AbortController().signal,
        providerOptions: {},
      })
    ).results as [NliResult];
    for (const label of ["entailment", "neutral", "contradiction"] as const) {
      const bar = page.getByTestId(`nli-bar-${label}`);
      expect(Number(await bar.getAttribute("data-score"))).toBeCloseTo(expected[label], 4);
      const track = await bar
        .locator(".score-track")
        .evaluate((element) => element.getBoundingClientRect().width);
      await expect
        .poll(
          async () =>
            (await bar
              .locator(".score-fill")
              .evaluate((element) => element.getBoundingClientRect().width)) / track,
        )
        .toBeCloseTo(expected[label], 1);
    }
    expect(await page.getByTestId("nli-label").textContent()).toBe(expected.label);

    await page.getByTestId("classify-model").fill("mock:zero-shot");
    await page.getByTestId("classify-text").fill("A squirrel story from mythology");
    await page.getByTestId("classify-labels").fill("finance, squirrel, mythology, sports");
    await page.getByTestId("classify-run").click();
    await expect.poll(() => page.getByTestId("classify-bar").count()).toBe(4);
    const scores = await page
      .getByTestId("classify-bar")
      .evaluateAll((bars) => bars.map((bar) => Number((bar as HTMLElement).dataset.score)));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const labels = await page.getByTestId("classify-bar").locator(".score-label").allTextContents();
    expect(
      labels
        .slice(0, 2)
        .map((label) => label.replace(/^\d+\. /, ""))
        .sort(),
    ).toEqual(["mythology", "squirrel"]);
    await screenshot(page, "nli");
    expect(await axeViolations(page)).toBe("");
  });

  it("lists providers and capabilities, and explains route() for any model", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/routes`);
    await page.getByTestId("route-capability").selectOption("chat");
    await page.getByTestId("route-model").fill("ollama:llama3.2");
    await page.getByTestId("route-run").click();
    await expect.poll(() => page.getByTestId("route-provider").textContent()).toBe("no provider");
    expect(await page.getByTestId("route-explanation").textContent()).toMatch(/ollama/i);
    expect(await page.getByTestId("route-decision").textContent()).toContain("OLLAMA_HOST");

    await page.getByTestId("route-model").fill("mock:scripted");
    await page.getByTestId("route-run").click();
    await expect.poll(() => page.getByTestId("route-provider").textContent()).toBe("mock");
    expect(await page.getByTestId("capability-countTokens").textContent()).toContain("tokenizers");
    expect(await page.getByTestId("provider-openrouter").textContent()).toContain(
      "OPENROUTER_API_KEY",
    );
    await screenshot(page, "routes");
    expect(await axeViolations(page)).toBe("");
  });

  it("first run: shows a model download's progress while the first embedding waits for it", async () => {
    // No keys; the default local models come from a loopback Hub mirror.
    const run = await startFirstRun();
    const assets = await buildClientAssets({ minify: false });
    const server = await startPlaygroundServer({ ...run.built, config: run.config, assets });
    const context = await harness.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(240_000);
    try {
      // Chat has no provider, so the app opens on the first page that works: embeddings.
      await page.goto(server.url);
      await expect.poll(() => page.url()).toContain("#/embeddings");
      await expect
        .poll(() => page.getByTestId("embed-model").inputValue())
        .toBe("local:all-MiniLM-L6-v2");
      await page.getByTestId("embed-texts").fill("hello world\nhello world\nthe end");
      await page.getByTestId("embed-run").click();
      await run.halfway;
      run.clock.now = 2000;
      const banner = page.getByTestId("downloads");
      await expect
        .poll(async () => (await banner.count()) > 0 && ((await banner.textContent()) ?? ""))
        .toContain("Qdrant/all-MiniLM-L6-v2-onnx model.onnx");
      const during = (await banner.textContent()) ?? "";
      expect(during).toMatch(/downloading models: .+ of .+ \(\d+%\), .+\/s, about \d+ s left/);
      await screenshot(page, "first-run-download");
      const duringViolations = await axeViolations(page);
      run.release();
      await expect.poll(() => page.getByTestId("heatmap-cell").count()).toBe(9);
      await expect.poll(() => banner.textContent()).toContain("models downloaded");
      expect(duringViolations).toBe("");
      expect(await axeViolations(page)).toBe("");
    } finally {
      await context.close();
      await server.close();
      await run.close();
    }
  });

  it("says what to configure on each page whose capability has no provider", async () => {
    // A second playground with nothing but the bundled providers: no keys, offline
    // (HF_HUB_OFFLINE) with an empty model cache, so the default local models are not there either.
    const cacheDir = mkdtempSync(join(tmpdir(), "playground-offline-"));
    const base = testConfig();
    const config = testConfig({
      env: { ...base.env, HF_HUB_OFFLINE: "1" },
      providers: { ollama: { probe: false }, local: { detectCached: false, cacheDir } },
    });
    const [built, assets] = await Promise.all([
      buildPlaygroundGateway(config),
      buildClientAssets({ minify: false }),
    ]);
    const bare = await startPlaygroundServer({ ...built, config, assets });
    const page = await harness.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(240_000);
    try {
      // With no hash, the first page that works opens: tokens (chat, embeddings and NLI need a provider).
      await page.goto(bare.url);
      await expect
        .poll(() => page.getByTestId("nav-tokens").getAttribute("class"))
        .toContain("active");
      expect(page.url()).toContain("#/tokens");
      // Pages that need a provider are marked, never struck through.
      expect(await page.getByTestId("nav-chat").textContent()).toContain("setup");
      expect(
        await page
          .getByTestId("nav-chat")
          .evaluate((element) => getComputedStyle(element).textDecorationLine),
      ).toBe("none");
      await page.goto(`${bare.url}#/chat`);
      const chat = page.getByTestId("unavailable-chat");
      await expect.poll(() => chat.count()).toBe(1);
      const chatText = (await chat.textContent()) ?? "";
      for (const needed of [
        "OPENROUTER_API_KEY",
        "@ratatoskr/provider-openrouter",
        "ANTHROPIC_API_KEY",
        "OLLAMA_HOST",
        "ollama pull llama3.2",
        "RATATOSKR_URL=http://127.0.0.1:9741",
        "RATATOSKR_PLAYGROUND_DEMO=1",
      ]) {
        expect(chatText).toContain(needed);
      }
      expect(await page.getByTestId("nav-chat").getAttribute("class")).toContain("off");
      expect(await page.getByTestId("nav-tokens").getAttribute("class")).not.toContain("off");
      await page.goto(`${bare.url}#/embeddings`);
      expect(await page.getByTestId("unavailable-embed").textContent()).toContain(
        "all-MiniLM-L6-v2 is the default (unset HF_HUB_OFFLINE",
      );
      await page.goto(`${bare.url}#/nli`);
      expect(await page.getByTestId("unavailable-nli").textContent()).toContain(
        "nli-deberta-v3-xsmall is the default",
      );
      expect(await page.getByTestId("unavailable-nli").textContent()).not.toContain("((");
      expect(await page.getByTestId("unavailable-classify").textContent()).toContain("HF_TOKEN");
      await page.goto(`${bare.url}#/tokens`);
      expect(await page.getByTestId("unavailable-countTokens").count()).toBe(0);
      await page.goto(`${bare.url}#/chat`);
      await expect.poll(() => page.getByTestId("unavailable-chat").count()).toBe(1);
      await screenshot(page, "no-keys");
    } finally {
      await page.close();
      rmSync(cacheDir, { recursive: true, force: true });
      await bare.close();
      await built.gateway.dispose();
    }
  });
});
