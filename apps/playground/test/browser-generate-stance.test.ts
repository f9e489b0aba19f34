/**
 * The Generate and Stance pages in a real browser (Debian's Chromium,
 * playwright-core) against mock providers: streamed generated text with its
 * finish reason, usage, latency and provider, Stop cancelling the provider's
 * request, the stance bars with the mock's scores and the winning label,
 * and what to enable when no provider serves `generate`.
 */
import { createMockProvider } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserHarness,
  screenshot,
  startBrowserHarness,
  testConfig,
} from "./browser-harness.ts";
import { hangingGenerator } from "./generation-fixtures.ts";

describe("Generate and Stance pages in Chromium", () => {
  const mock = createMockProvider({ id: "mock", capabilities: ["generate", "classify"] });
  const hanging = hangingGenerator("slow", ["Once ", "upon ", "a ", "time"]);
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness(
      [
        {
          provider: mock,
          label: "Mock (scripted)",
          models: { generate: ["mock:writer"], classify: ["mock:zero-shot"] },
        },
        {
          provider: hanging.provider,
          label: "Slow generator",
          models: { generate: ["slow:story"] },
        },
      ],
      testConfig(),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it("lists Generate after Chat and Stance after NLI", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/generate`);
    const nav = await page
      .locator("nav a")
      .evaluateAll((links) => links.map((link) => (link as HTMLElement).dataset.testid));
    expect(nav.indexOf("nav-generate")).toBe(nav.indexOf("nav-chat") + 1);
    expect(nav.indexOf("nav-stance")).toBe(nav.indexOf("nav-nli") + 1);
    expect(await page.getByTestId("nav-generate").getAttribute("class")).toContain("active");
    expect(await page.getByTestId("nav-generate").getAttribute("class")).not.toContain("off");
    expect(await page.getByTestId("nav-stance").getAttribute("class")).not.toContain("off");
  });

  it("streams a generation, then shows the finish reason, usage, latencies and the provider", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/generate`);
    await page.getByTestId("generate-model").fill("mock:writer");
    await expect
      .poll(() => page.getByTestId("generate-model-route").textContent())
      .toContain("mock");
    await page.getByTestId("generate-prompt").fill("The squirrel ran");
    await page.getByTestId("generate-max-tokens").fill("32");
    await page.getByTestId("generate-temperature").fill("0.3");
    await page.getByTestId("generate-run-button").click();
    const run = page.getByTestId("generate-run");
    await expect.poll(() => run.getAttribute("data-state")).toBe("done");
    expect(await page.getByTestId("generate-output").textContent()).toBe("mock: The squirrel ran");
    expect(await page.getByTestId("generate-finish").textContent()).toBe("finish stop");
    expect(await page.getByTestId("generate-answered-by").textContent()).toContain("mock");
    expect(await page.getByTestId("generate-usage").textContent()).toMatch(/^\d+ in \/ \d+ out$/);
    expect(await page.getByTestId("generate-latency").textContent()).toMatch(/^total \d+ ms$/);
    expect(await page.getByTestId("generate-meta").textContent()).toMatch(/first token \d+ ms/);
    const call = mock.callsOf("generateStream").at(-1)!;
    expect(call.request.prompt).toBe("The squirrel ran");
    expect(call.request.settings).toMatchObject({ maxTokens: 32, temperature: 0.3 });
    await screenshot(page, "generate");
  });

  it("stops a streaming generation: the page shows it aborted and the provider's request is cancelled", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/generate`);
    await page.getByTestId("generate-model").fill("slow:story");
    await page.getByTestId("generate-prompt").fill("Tell me a long story");
    await page.getByTestId("generate-run-button").click();
    const run = page.getByTestId("generate-run");
    // The words streamed so far show while the provider still holds the request open.
    await expect
      .poll(() => page.getByTestId("generate-output").textContent())
      .toBe("Once upon a time");
    expect(await run.getAttribute("data-state")).toBe("streaming");
    const signal = hanging.signals.at(-1)!;
    expect(signal.aborted).toBe(false);
    await page.getByTestId("generate-stop").click();
    await expect.poll(() => run.getAttribute("data-state")).toBe("aborted");
    expect(await page.getByTestId("generate-stopped").textContent()).toContain("aborted");
    await expect.poll(() => signal.aborted).toBe(true);
    expect(await page.getByTestId("generate-output").textContent()).toBe("Once upon a time");
    // The form is usable again, and Stop did not start another generation.
    await expect.poll(() => page.getByTestId("generate-run-button").isVisible()).toBe(true);
    expect(await run.getAttribute("data-state")).toBe("aborted");
    expect(hanging.signals.filter((each) => !each.aborted)).toEqual([]);
  });

  it("shows the stance bars with the mock's scores, the target and the winning label", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/stance`);
    await page.getByTestId("stance-model").fill("mock:zero-shot");
    await expect.poll(() => page.getByTestId("stance-model-route").textContent()).toContain("mock");
    await page.getByTestId("stance-text").fill("Everyone here supports solar power.");
    await page.getByTestId("stance-target-input").fill("solar power");
    await page.getByTestId("stance-run").click();
    await expect.poll(() => page.getByTestId("stance-result").count()).toBe(1);
    // The mock scores the label the text contains 3 and the others 1: 0.6, 0.2, 0.2.
    const scores: Record<string, string | null> = {};
    for (const label of ["favor", "against", "neutral"]) {
      scores[label] = await page.getByTestId(`stance-bar-${label}`).getAttribute("data-score");
    }
    expect(scores).toEqual({ favor: "0.6000", against: "0.2000", neutral: "0.2000" });
    expect(await page.getByTestId("stance-label").textContent()).toBe("favor");
    expect(await page.getByTestId("stance-target").textContent()).toBe("solar power");
    expect(await page.getByTestId("stance-row-favor").getAttribute("data-winner")).toBe("true");
    expect(await page.getByTestId("stance-row-favor").getAttribute("class")).toContain("winner");
    for (const label of ["against", "neutral"])
      expect(await page.getByTestId(`stance-row-${label}`).getAttribute("data-winner")).toBe(
        "false",
      );
    expect(await page.getByTestId("provenance").textContent()).toContain("mock");
    await screenshot(page, "stance");

    // Another text flips the winner.
    await page.getByTestId("stance-text").fill("Honestly, this text opposes solar power.");
    await page.getByTestId("stance-run").click();
    await expect.poll(() => page.getByTestId("stance-label").textContent()).toBe("against");
    expect(await page.getByTestId("stance-row-against").getAttribute("data-winner")).toBe("true");
  });
});

describe("Generate page with no provider for generate", () => {
  const mock = createMockProvider({ id: "mock", capabilities: ["classify"] });
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness(
      [{ provider: mock, models: { classify: ["mock:zero-shot"] } }],
      testConfig(),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it("says exactly what to enable, and marks the page in the navigation", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/generate`);
    const unavailable = page.getByTestId("unavailable-generate");
    await expect.poll(() => unavailable.count()).toBe(1);
    const text = (await unavailable.textContent()) ?? "";
    for (const needed of [
      "providers.local.generationModels",
      "@ratatoskr/provider-local-onnx",
      "RATATOSKR_URL=http://127.0.0.1:9741",
    ])
      expect(text).toContain(needed);
    expect(await page.getByTestId("nav-generate").getAttribute("class")).toContain("off");
    expect(await page.getByTestId("nav-generate").textContent()).toContain("setup");
    // Stance needs only zero-shot classification, which the mock serves.
    expect(await page.getByTestId("nav-stance").getAttribute("class")).not.toContain("off");
    // Generating anyway answers with the server's error and the same hints.
    await page.getByTestId("generate-model").fill("gpt2");
    await page.getByTestId("generate-run-button").click();
    const run = page.getByTestId("generate-run");
    await expect.poll(() => run.getAttribute("data-state")).toBe("error");
    const error = (await run.getByTestId("error").textContent()) ?? "";
    expect(error).toContain("not_implemented");
    expect(error).toContain("generationModels");
  });
});
