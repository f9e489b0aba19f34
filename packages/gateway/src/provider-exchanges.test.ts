/**
 * `hooks.onProviderExchange` (a debugging aid): each HTTP exchange a
 * provider reports for a call becomes one event of that call, retries
 * included; without the hook, requests carry no inspector at all; a failing
 * listener is reported like any hook and never breaks the call.
 */
import { inspect } from "node:util";
import { type ExchangeInspectorV1, type ProviderV1, RatatoskrError } from "@ratatoskr/core";
import { inspectExchanges } from "@ratatoskr/provider-utils";
import {
  createMockProvider,
  expectNoSecret,
  type LoopbackServer,
  type MockProvider,
  startLoopbackServer,
} from "@ratatoskr/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HookErrorEvent, ProviderExchangeEvent } from "./gateway-hooks.ts";
import { Ratatoskr } from "./index.ts";
import { drain, hello } from "./test-helpers.ts";

/** Key-shaped, built at run time (no key literal in the source). */
const CANARY = ["sk", "gateway", "inspectcanary", "0123456789abcdef"].join("-");
const fast = { initialDelayMs: 1, maxDelayMs: 2 };

/** Statuses the server answers with, in order (then 200). */
let statuses: number[] = [];
let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer((_request, response, body) => {
    const status = statuses.shift() ?? 200;
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify({ status, echo: JSON.parse(body) }));
  });
});
afterAll(() => server.close());
beforeEach(() => {
  statuses = [];
});

/**
 * The mock provider, with one real HTTP exchange (sent the way providers
 * do: through `inspectExchanges` with the request's inspector) before each
 * answer; a failed exchange is a retryable provider error.
 */
function wired(mock: MockProvider): ProviderV1 {
  const exchange = async (request: {
    model: string;
    signal: AbortSignal;
    inspect?: ExchangeInspectorV1;
  }) => {
    const response = await inspectExchanges(fetch, request.inspect)(`${server.url}/v1/call`, {
      method: "POST",
      headers: { authorization: `Bearer ${CANARY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: request.model }),
      signal: request.signal,
    });
    await response.text();
    if (!response.ok) {
      throw new RatatoskrError({
        code: "provider",
        status: response.status,
        message: "upstream failed",
        provider: "mock",
        isRetryable: true,
      });
    }
  };
  return {
    specificationVersion: "v1",
    id: mock.id,
    chat: {
      complete: async (request) => {
        await exchange(request);
        return mock.chat!.complete!(request);
      },
      async *stream(request) {
        await exchange(request);
        yield* mock.chat!.stream!(request);
      },
    },
    embedding: {
      embed: async (request) => {
        await exchange(request);
        return mock.embedding!.embed(request);
      },
    },
  };
}

async function gatewayWith(hooks: Parameters<ReturnType<typeof Ratatoskr.builder>["hooks"]>[0]) {
  const mock = createMockProvider();
  const gateway = await Ratatoskr.builder().use(wired(mock)).retry(fast).hooks(hooks).build();
  return { mock, gateway };
}

describe("hooks.onProviderExchange", () => {
  it("reports a call's exchange with its callId, provider and model, the key redacted", async () => {
    const exchanges: ProviderExchangeEvent[] = [];
    const completed: number[] = [];
    const { gateway } = await gatewayWith({
      onProviderExchange: (event) => exchanges.push(event),
      onComplete: (event) => completed.push(event.callId),
    });
    await gateway.chat(hello, { model: "m" });
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({
      callId: completed[0],
      capability: "chat",
      model: "m",
      stream: false,
      provider: "mock",
      providerModel: "m",
      method: "POST",
      url: `${server.url}/v1/call`,
      requestBody: server.requests.at(-1)!.body,
      status: 200,
      responseBody: JSON.stringify({ status: 200, echo: { model: "m" } }),
      truncated: false,
    });
    expect(exchanges[0]!.requestHeaders.authorization).toBe("[REDACTED]");
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
    expect(inspect(exchanges, { depth: null })).not.toContain(CANARY);
  });

  it("reports one exchange per attempt: a retried call has each failed exchange, then the answer", async () => {
    const exchanges: ProviderExchangeEvent[] = [];
    let retries = 0;
    const { gateway } = await gatewayWith({
      onProviderExchange: (event) => exchanges.push(event),
      onRetry: () => retries++,
    });
    statuses = [503, 502];
    await gateway.chat(hello, { model: "m" });
    expect(retries).toBe(2);
    expect(exchanges.map((event) => event.status)).toEqual([503, 502, 200]);
    expect(new Set(exchanges.map((event) => event.callId)).size).toBe(1);
  });

  it("covers streams and batches", async () => {
    const exchanges: ProviderExchangeEvent[] = [];
    const { gateway } = await gatewayWith({
      onProviderExchange: (event) => exchanges.push(event),
    });
    await drain(gateway.chatStream(hello, { model: "m" }));
    await gateway.embedBatch(["a", "b"], "m");
    expect(exchanges.map((event) => [event.capability, event.stream])).toEqual([
      ["chat", true],
      ["embed", false],
    ]);
  });

  it("without it, requests carry no inspector (nothing is captured)", async () => {
    const { gateway, mock } = await gatewayWith({ onComplete: () => {} });
    await gateway.chat(hello, { model: "m" });
    await drain(gateway.chatStream(hello, { model: "m" }));
    await gateway.embed("a", "m");
    expect(mock.calls).toHaveLength(3);
    for (const call of mock.calls) expect("inspect" in call.request).toBe(false);
  });

  it("a listener that throws or rejects is reported to onHookError and never breaks the call", async () => {
    const reports: HookErrorEvent[] = [];
    let calls = 0;
    const { gateway } = await gatewayWith({
      onProviderExchange: () => {
        calls++;
        if (calls === 1) throw new Error("listener bug");
        return Promise.reject(new Error("async listener bug"));
      },
      onHookError: (report) => {
        reports.push(report);
      },
    });
    const response = await gateway.chat(hello, { model: "m" });
    expect(response.content).toBe("mock: hello world");
    await gateway.embed("a", "m");
    await new Promise((resolve) => setImmediate(resolve));
    expect(reports.map((report) => [report.hook, (report.error as Error).message])).toEqual([
      ["onProviderExchange", "listener bug"],
      ["onProviderExchange", "async listener bug"],
    ]);
  });
});
