/**
 * Every page of the playground has no axe-core violations of WCAG 2.0/2.1
 * A and AA, in two states: with mock providers serving every capability, and
 * with no providers at all (the "no keys" state, where pages say what to set).
 * The pages come from `src/client/pages.ts`, so a page added there is checked
 * here without editing this file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CAPABILITIES } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_PATHS, PAGES } from "../src/client/pages.ts";
import {
  axeViolations,
  type BrowserHarness,
  describeViolations,
  startBrowserHarness,
  testConfig,
} from "./browser-harness.ts";

/**
 * Open `#/<path>` in a fresh page, wait until the page has rendered with the
 * server's status, and return axe's violations there as text ("" when none).
 */
async function violationsOn(browser: Browser, baseUrl: string, path: string): Promise<string> {
  // axe needs a page of an explicit context (it opens a second page in it to combine frame results).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(240_000);
  page.setDefaultNavigationTimeout(240_000);
  try {
    await page.goto(`${baseUrl}#/${path}`);
    await expect
      .poll(() => page.getByTestId(`nav-${path}`).getAttribute("class"))
      .toContain("active");
    await expect.poll(() => page.locator(".loading").count()).toBe(0);
    await page.waitForLoadState("networkidle");
    return await axeViolations(page);
  } finally {
    await context.close();
  }
}

it("describes a violation by its id, impact and the selectors of its elements", () => {
  const text = describeViolations([
    {
      id: "color-contrast",
      impact: "serious",
      help: "Elements must meet minimum color contrast ratio thresholds",
      nodes: [{ target: ["nav > a.off"] }, { target: ["iframe", "button"] }],
    },
  ]);
  expect(text).toContain("color-contrast (serious)");
  expect(text).toContain("at nav > a.off");
  expect(text).toContain("at iframe >> button");
});

it("has pages to check", () => {
  expect(PAGE_PATHS.length).toBeGreaterThan(0);
});

describe("accessibility with providers serving everything", () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    // One mock provider offering every capability, with a model for each, so
    // that every page (today's and those added later) shows its working form.
    harness = await startBrowserHarness(
      [
        {
          provider: createMockProvider({ id: "mock", dimensions: 16 }),
          label: "Mock (scripted)",
          models: Object.fromEntries(
            CAPABILITIES.map((capability) => [capability, [`mock:${capability}`]]),
          ),
        },
      ],
      testConfig({ tokenModels: ["gpt-4o", "llama-3.1-8b-instruct"] }),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  it("lists in its navigation exactly the pages of pages.ts, all working", async () => {
    const { page, server } = harness;
    await page.goto(server.url);
    await expect.poll(() => page.locator("nav a.active").count()).toBe(1);
    const navigation = await page
      .locator("nav a")
      .evaluateAll((links) => links.map((link) => link.getAttribute("href")));
    expect(navigation).toEqual(PAGE_PATHS.map((path) => `#/${path}`));
    // Every page works here but the service page, which needs a connected ratd
    // (its connected state is checked in browser-models-service.test.ts).
    const off = await page
      .locator("nav a.off")
      .evaluateAll((links) => links.map((link) => link.getAttribute("href")));
    expect(off).toEqual(
      PAGES.filter((info) => info.capability === "remote").map((info) => `#/${info.path}`),
    );
  });

  it.each(PAGE_PATHS)("#/%s has no WCAG A/AA violations", async (path) => {
    expect(await violationsOn(harness.browser, harness.server.url, path)).toBe("");
  });
});

describe("accessibility with no providers (no keys)", () => {
  let harness: BrowserHarness;
  let cacheDir: string;

  beforeAll(async () => {
    // Nothing but the bundled providers: no keys, offline (HF_HUB_OFFLINE) with an
    // empty model cache, so the default local models are not there either.
    cacheDir = mkdtempSync(join(tmpdir(), "playground-a11y-"));
    const base = testConfig();
    harness = await startBrowserHarness(
      [],
      testConfig({
        env: { ...base.env, HF_HUB_OFFLINE: "1" },
        providers: { ollama: { probe: false }, local: { detectCached: false, cacheDir } },
      }),
    );
  });

  afterAll(async () => {
    await harness?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it("is the no-keys state: the chat page says what to configure", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/chat`);
    await expect.poll(() => page.getByTestId("unavailable-chat").count()).toBe(1);
  });

  it.each(PAGE_PATHS)("#/%s has no WCAG A/AA violations", async (path) => {
    expect(await violationsOn(harness.browser, harness.server.url, path)).toBe("");
  });
});
