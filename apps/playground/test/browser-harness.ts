/**
 * Shared setup of the browser test: the playground on loopback with
 * scripted mock providers, and Debian's Chromium driven by playwright-core.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, chromium, type Page } from "playwright-core";
import { buildPlaygroundGateway, type ExtraProvider } from "../src/build-playground-gateway.ts";
import { buildClientAssets } from "../src/client-assets.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";
import { type RunningPlayground, startPlaygroundServer } from "../src/playground-server.ts";

/** Chromium from Debian's package (`apt-get install chromium`); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launch flags for headless Chromium in containers and CI (see shared TOOLCHAIN notes). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Where every test run saves its screenshots: test artifacts, gitignored (`artifacts/`). */
export const ARTIFACTS_DIR = fileURLToPath(new URL("../artifacts/", import.meta.url));

/**
 * The repository's documentation images (`<repo>/docs/images/`), which the
 * READMEs show as `playground-<name>.png`. Tests write there only with
 * UPDATE_SCREENSHOTS=1, so a test run never changes tracked files.
 */
export const DOCS_IMAGES_DIR = fileURLToPath(new URL("../../../docs/images/", import.meta.url));

/** Fail (never skip) with instructions when Chromium is missing. */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The playground's browser test needs Chromium at ${CHROMIUM_PATH}, which is missing. ` +
        "Install it with `apt-get update && apt-get install -y chromium` (CI's .ci/run does this), " +
        "or point CHROMIUM_PATH at another Chromium binary.",
    );
  }
}

/** A test configuration: no keys, no probing, no cached-model detection, no default local models. */
export function testConfig(overrides: Partial<PlaygroundConfig> = {}): PlaygroundConfig {
  const base = loadPlaygroundConfig({
    env: { PORT: "0" },
    cwd: fileURLToPath(new URL(".", import.meta.url)),
  });
  return {
    ...base,
    providers: { ollama: { probe: false }, local: { detectCached: false, defaultModels: false } },
    ...overrides,
  };
}

/** The running playground and a browser page on it. */
export interface BrowserHarness {
  server: RunningPlayground;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Start the playground with `providers` and open it in Chromium. */
export async function startBrowserHarness(
  providers: ExtraProvider[],
  config: PlaygroundConfig,
): Promise<BrowserHarness> {
  assertChromiumInstalled();
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const [built, assets] = await Promise.all([
    buildPlaygroundGateway(config, { providers }),
    buildClientAssets({ minify: false }),
  ]);
  const server = await startPlaygroundServer({ ...built, config, assets });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  // A page of an explicit context: axe opens a second page in it (see axeViolations).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Hang guards only (a busy 2-core CI machine is slow, not broken): actions wait for their element.
  page.setDefaultTimeout(240_000);
  page.setDefaultNavigationTimeout(240_000);
  const browserErrors: string[] = [];
  page.on("pageerror", (error) => browserErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/Failed to load resource/.test(message.text()))
      browserErrors.push(message.text());
  });
  return {
    server,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
      await built.gateway.dispose();
      if (browserErrors.length > 0)
        throw new Error(`Errors in the browser: ${browserErrors.join("; ")}`);
    },
  };
}

/**
 * Save a screenshot as a test artifact (`artifacts/<name>.png`), and with
 * UPDATE_SCREENSHOTS=1 as the documentation's `docs/images/playground-<name>.png`.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS_DIR}${name}.png`, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    await mkdir(DOCS_IMAGES_DIR, { recursive: true });
    await page.screenshot({ path: `${DOCS_IMAGES_DIR}playground-${name}.png`, fullPage: false });
  }
}

/** The axe rule tags the pages must pass: WCAG 2.0 and 2.1, levels A and AA. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** One axe violation, as the failure message lists it. */
export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** The violations as lines: rule id, impact, what it asks for, and each element's selector. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.id} (${violation.impact ?? "unknown impact"}): ${violation.help}\n` +
        violation.nodes.map((node) => `    at ${node.target.map(String).join(" >> ")}`).join("\n"),
    )
    .join("\n");
}

/**
 * axe-core's WCAG A/AA violations on the page as it is now, as text ("" when
 * none). The page must belong to a context opened with `browser.newContext()`.
 */
export async function axeViolations(page: Page): Promise<string> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return describeViolations(results.violations);
}
