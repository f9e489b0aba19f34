/**
 * A real `ratd`'s per-client concurrency limit, as the remote client sees
 * it: a call over the limit is a `rate_limited` RatatoskrError carrying the
 * daemon's `retryAfterMs`, at once (it is not retried by the client, which
 * retries only transport failures), and the client is served again once its
 * call in flight ends.
 */
import { Message, RatatoskrError } from "@ratatoskr/core";
import { startRatd } from "@ratatoskr/server";
import { afterEach, expect, it } from "vitest";
import { createServiceClient, type ServiceClient } from "../src/index.ts";
import { embeddedGateway, mockProvider } from "./support/gateways.ts";

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

it("a call over ratd's per-client limit is rate_limited with the daemon's retryAfterMs", async () => {
  const mock = mockProvider();
  const ratd = await startRatd({
    gateway: await embeddedGateway(mock),
    port: 0,
    maxConcurrentCalls: 4,
    maxConcurrentCallsPerClient: 1,
    retryAfterSeconds: 2,
  });
  closing.push(() => ratd.close({ graceMs: 0 }));
  const client: ServiceClient = createServiceClient(ratd.url);
  closing.push(() => client.close());

  mock.enqueueStream({
    events: [
      { type: "content", text: "held" },
      { type: "done", finishReason: "stop" },
    ],
    delayMs: 60_000,
  });
  const controller = new AbortController();
  const held = client
    .chat([Message.user("hi")], { model: "mock-1", signal: controller.signal })
    .catch((error: unknown) => error);
  await expect.poll(() => mock.calls.length).toBe(1);

  const refused = await client.embed("x", "mock-1").catch((error: unknown) => error);
  expect(RatatoskrError.isInstance(refused)).toBe(true);
  expect(refused).toMatchObject({ code: "rate_limited", retryAfterMs: 2000, isRetryable: true });
  // Refused at the daemon's gate: the provider never saw it.
  expect(mock.calls).toHaveLength(1);

  controller.abort();
  expect(await held).toMatchObject({ code: "aborted" });
  await expect.poll(() => ratd.inFlight).toBe(0);
  expect((await client.embed("x", "mock-1")).values.length).toBeGreaterThan(0);
});
