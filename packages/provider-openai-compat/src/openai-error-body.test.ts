/**
 * A huge error body (100 MiB) is read only up to a bound and cancelled; the
 * typed error keeps a short message and a bounded body.
 */
import { Message, type RatatoskrError } from "@ratatoskr/core";
import { MAX_ERROR_BODY_BYTES } from "@ratatoskr/provider-utils";
import {
  chatRequestFor,
  type HugeResponseServer,
  LOOPBACK_BUFFER_BYTES,
  startHugeResponseServer,
  startLoopbackServer,
} from "@ratatoskr/testing";
import { drain, failure } from "@ratatoskr/testing/conformance";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAICompatible } from "./openai-compatible-provider.ts";
import { TEST_API_KEY } from "./openai-fixtures.test-helpers.ts";

let server: HugeResponseServer;
beforeAll(async () => {
  server = await startHugeResponseServer({ head: '{"error":{"message":"', tail: '"}}' });
});
afterAll(async () => {
  await server.close();
});

const messages = [Message.user("Hi")];
const provider = () =>
  createOpenAICompatible({ id: "compat", baseURL: `${server.url}/v1`, apiKey: TEST_API_KEY });

async function expectBounded(error: RatatoskrError): Promise<void> {
  const outcome = await server.outcomes.at(-1)!;
  expect(outcome.complete).toBe(false);
  expect(outcome.bytesWritten).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + LOOPBACK_BUFFER_BYTES);
  expect(error.code).toBe("provider");
  expect(error.status).toBe(500);
  expect(error.message.length).toBeLessThan(1_000);
  // The cut body is not JSON any more: the message is an excerpt of its text.
  expect(error.message).toMatch(/^compat returned HTTP 500: \{"error":\{"message":"x+…$/);
  expect(error.body).toMatch(/^\{"error":\{"message":"x+$/);
  expect(error.body!.length).toBeLessThanOrEqual(4096);
}

describe("a 100 MiB error body", () => {
  it("chat: read up to the bound, the rest cancelled", async () => {
    await expectBounded(
      await failure(provider().chat.complete(chatRequestFor(messages, { model: "m" }))),
    );
  });

  it("chatStream: read up to the bound, the rest cancelled", async () => {
    await expectBounded(
      await failure(drain(provider().chat.stream(chatRequestFor(messages, { model: "m" })))),
    );
  });

  it("a body that is not JSON stays the error's body; an HTML page stays out of the message", async () => {
    const pages = await startLoopbackServer((request, response) => {
      const html = request.url?.includes("html");
      response.writeHead(502, { "content-type": html ? "text/html" : "text/plain" });
      response.end(html ? "<html><body>Bad gateway</body></html>" : "upstream connect error");
    });
    try {
      const at = (path: string) =>
        createOpenAICompatible({
          id: "compat",
          baseURL: `${pages.url}/${path}`,
          apiKey: TEST_API_KEY,
        });
      const html = await failure(
        at("html").chat.complete(chatRequestFor(messages, { model: "m" })),
      );
      expect(html).toMatchObject({
        code: "provider",
        status: 502,
        message: "compat returned HTTP 502",
      });
      expect(html.body).toBe("<html><body>Bad gateway</body></html>");
      const text = await failure(
        at("text").chat.complete(chatRequestFor(messages, { model: "m" })),
      );
      expect(text.message).toBe("compat returned HTTP 502: upstream connect error");
      expect(text.body).toBe("upstream connect error");
    } finally {
      await pages.close();
    }
  });
});
