/**
 * Two reading aids in a real browser (Debian's Chromium, playwright-core):
 * the chat follows a streamed answer while the reader is at the bottom and
 * leaves the page alone once they scroll up; the embeddings heatmap has a
 * colour legend and names its axes.
 */
import type { ChatStreamPartV1 } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heatColor } from "../src/client/pages/embeddings-page.tsx";
import { type BrowserHarness, startBrowserHarness, testConfig } from "./browser-harness.ts";

/** Parts a test hands out one at a time: the stream waits for each `release()`. */
function gatedParts() {
  const queue: ChatStreamPartV1[] = [];
  let wake: (() => void) | undefined;
  return {
    release(...parts: ChatStreamPartV1[]) {
      queue.push(...parts);
      wake?.();
    },
    async *stream(): AsyncGenerator<ChatStreamPartV1> {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const part = queue.shift()!;
        yield part;
        if (part.type === "done") return;
      }
    },
  };
}

/** A long block of text: taller than the 900 px viewport on its own. */
function lines(from: number, count: number): string {
  return Array.from({ length: count }, (_, index) => `line ${from + index}`).join("\n");
}

describe("reading aids in Chromium", () => {
  const mock = createMockProvider({ id: "mock", capabilities: ["chat", "embed"] });
  let gate = gatedParts();
  mock.chat!.stream = () => gate.stream();
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness(
      [
        {
          provider: mock,
          label: "Mock (gated)",
          models: { chat: ["mock:gated"], embed: ["mock:embed"] },
        },
      ],
      testConfig(),
    );
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** Whether the transcript's last text is in view, above the sticky message box. */
  async function newestTextInView(): Promise<boolean> {
    return harness.page.evaluate(() => {
      const texts = document.querySelectorAll('[data-testid="assistant-text"]');
      const newest = texts[texts.length - 1]!.getBoundingClientRect();
      const composer = document.querySelector("form.composer")!.getBoundingClientRect();
      return newest.bottom > 0 && newest.bottom <= composer.top;
    });
  }

  it("the chat follows a streamed answer at the bottom, and stops following once the reader scrolls up", async () => {
    const { page, server } = harness;
    gate = gatedParts();
    await page.goto(`${server.url}#/chat`);
    await page.getByTestId("chat-model").fill("mock:gated");
    await page.getByTestId("chat-input").fill("Count, please");
    await page.getByTestId("chat-send").click();

    // A long first piece: the page grows past the viewport and the chat follows it down.
    gate.release({ type: "content", text: `${lines(1, 80)}\n` });
    await page.getByText("line 80").waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    await expect.poll(newestTextInView).toBe(true);

    // The reader scrolls to the top; once the scroll is seen, new text must not pull the page down.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          addEventListener("scroll", () => resolve(), { once: true });
          window.scrollTo(0, 0);
        }),
    );
    gate.release({ type: "content", text: lines(81, 40) }, { type: "done", finishReason: "stop" });
    await page.getByText("line 120").waitFor({ state: "attached" });
    await page.getByTestId("chat-send").waitFor();
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await newestTextInView()).toBe(false);
  });

  it("the heatmap has a legend from −1 to 1 in its own colours and names its axes", async () => {
    const { page, server } = harness;
    await page.goto(`${server.url}#/embeddings`);
    await page.getByTestId("embed-model").fill("mock:embed");
    await page.getByTestId("embed-texts").fill("one squirrel\ntwo squirrels\nthe stock market");
    await page.getByTestId("embed-run").click();
    await expect.poll(() => page.getByTestId("heatmap-cell").count()).toBe(9);

    const legend = page.getByTestId("heatmap-legend");
    expect(await legend.textContent()).toContain("Cosine similarity");
    expect(await legend.textContent()).toContain("−1 opposite");
    expect(await legend.textContent()).toContain("1 same meaning");
    // The scale is drawn with the cells' own colour function, from −1 to 1.
    const background = await legend
      .locator(".heat-scale")
      .evaluate((element) => (element as HTMLElement).style.background);
    const expected = (value: number) =>
      harness.page.evaluate((colour) => {
        const probe = document.createElement("span");
        probe.style.color = colour;
        return probe.style.color;
      }, heatColor(value));
    expect(background).toContain(await expected(-1));
    expect(background).toContain(await expected(1));
    expect(await page.getByTestId("heatmap-axes").textContent()).toBe("text ↓ · compared with →");
  });
});
