import { inspect as utilInspect } from "node:util";
import { type ProviderExchangeV1, registerSecret } from "@ratatoskr/core";
import { expectNoSecret, type LoopbackServer, startLoopbackServer } from "@ratatoskr/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inspectExchanges, inspectingFetch, inspectorFetchOptions } from "./inspect-exchange.ts";

/** Key-shaped, built at run time (no key literal in the source). */
const CANARY = ["sk", "inspect", "canary", "0123456789abcdef"].join("-");
const REQUEST_BODY = JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] });
const SSE = ['data: {"n":1}\n\n', 'data: {"n":2}\n\n', "data: [DONE]\n\n"];

/** Resolved by a test to let the streaming route end its response. */
let releaseStream: () => void = () => {};
let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer(async (request, response) => {
    if (request.url?.startsWith("/stream")) {
      const released = new Promise<void>((resolve) => {
        releaseStream = resolve;
      });
      response.writeHead(200, { "content-type": "text/event-stream", "set-cookie": "s=1" });
      response.write(SSE[0]);
      await released;
      response.end(SSE.slice(1).join(""));
    } else if (request.url?.startsWith("/error")) {
      response.writeHead(429, { "content-type": "application/json", "retry-after": "1" });
      response.end('{"error":{"message":"slow down"}}');
    } else if (request.url?.startsWith("/empty")) {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(200, { "content-type": "application/json", "x-request-id": "req_1" });
      response.end('{"id":"cmpl_1","choices":[]}');
    }
  });
  registerSecret(CANARY);
});
afterAll(() => server.close());

let exchanges: ProviderExchangeV1[];
beforeEach(() => {
  exchanges = [];
});
const record = (exchange: ProviderExchangeV1) => {
  exchanges.push(exchange);
};

function post(path: string): [string, RequestInit] {
  return [
    `${server.url}${path}?key=${CANARY}&alt=sse`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${CANARY}`,
        "x-api-key": CANARY,
        "x-hf-token": CANARY,
        cookie: `session=${CANARY}`,
        "content-type": "application/json",
      },
      body: REQUEST_BODY,
    },
  ];
}

describe("inspectExchanges", () => {
  it("captures a unary exchange exactly, credentials redacted, and hands the body on unchanged", async () => {
    const response = await inspectExchanges(fetch, record)(...post("/json"));
    expect(await response.text()).toBe('{"id":"cmpl_1","choices":[]}');
    expect(response.headers.get("x-request-id")).toBe("req_1");
    expect(exchanges).toHaveLength(1);
    const [exchange] = exchanges;
    expect(exchange).toMatchObject({
      method: "POST",
      url: `${server.url}/json?key=[REDACTED]&alt=sse`,
      requestBody: server.requests.at(-1)!.body,
      status: 200,
      responseBody: '{"id":"cmpl_1","choices":[]}',
      truncated: false,
    });
    expect(exchange!.error).toBeUndefined();
    expect(exchange!.requestHeaders).toMatchObject({
      authorization: "[REDACTED]",
      "x-api-key": "[REDACTED]",
      "x-hf-token": "[REDACTED]",
      cookie: "[REDACTED]",
      "content-type": "application/json",
    });
    expect(exchange!.responseHeaders["x-request-id"]).toBe("req_1");
    // The server did get the key: only the capture is redacted.
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expectNoSecret(undefined, CANARY, { hookEvents: exchanges });
    expect(utilInspect(exchanges, { depth: null })).not.toContain(CANARY);
  });

  it("keeps a stream incremental: the first event reaches the reader before the server ends it", async () => {
    const response = await inspectExchanges(fetch, record)(...post("/stream"));
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    // The server is still holding the rest back, so this chunk was not buffered behind it.
    expect(decoder.decode(first.value)).toBe(SSE[0]);
    expect(exchanges).toHaveLength(0);
    releaseStream();
    let rest = "";
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      rest += decoder.decode(next.value, { stream: true });
    }
    expect(SSE[0] + rest).toBe(SSE.join(""));
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({
      status: 200,
      responseBody: SSE.join(""),
      truncated: false,
    });
    expect(exchanges[0]!.responseHeaders["set-cookie"]).toBe("[REDACTED]");
  });

  it("caps the capture and says so, while the reader still gets the whole body", async () => {
    const response = await inspectExchanges(fetch, record, { maxBodyBytes: 10 })(...post("/json"));
    expect(await response.text()).toBe('{"id":"cmpl_1","choices":[]}');
    expect(exchanges[0]).toMatchObject({ responseBody: '{"id":"cmp', truncated: true });
  });

  it("captures an error response with its status, headers and body", async () => {
    const response = await inspectExchanges(fetch, record)(...post("/error"));
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ error: { message: "slow down" } });
    expect(exchanges[0]).toMatchObject({
      status: 429,
      responseBody: '{"error":{"message":"slow down"}}',
      responseHeaders: { "retry-after": "1" },
    });
  });

  it("reports a body-less response at once", async () => {
    const response = await inspectExchanges(fetch, record)(...post("/empty"));
    expect(response.status).toBe(204);
    expect(exchanges[0]).toMatchObject({ status: 204, responseBody: "", truncated: false });
  });

  it("reports a request that could not be sent, and rethrows its error", async () => {
    const refused = await startLoopbackServer(() => {});
    const url = refused.url;
    await refused.close();
    await expect(
      inspectExchanges(fetch, record)(`${url}/v1?api_key=${CANARY}`, { method: "GET" }),
    ).rejects.toThrow(TypeError);
    expect(exchanges[0]).toMatchObject({
      method: "GET",
      url: `${url}/v1?api_key=[REDACTED]`,
      status: undefined,
      responseBody: "",
    });
    expect(exchanges[0]!.error).toMatch(/TypeError/);
  });

  it("reports a body the reader cancelled", async () => {
    const response = await inspectExchanges(fetch, record)(...post("/stream"));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel(new Error("done early"));
    releaseStream();
    expect(exchanges[0]).toMatchObject({ responseBody: SSE[0] });
    expect(exchanges[0]!.error).toMatch(/^cancelled: Error: done early/);
  });

  it("a throwing inspector never breaks the exchange", async () => {
    const response = await inspectExchanges(fetch, () => {
      throw new Error("inspector bug");
    })(...post("/json"));
    expect(await response.text()).toBe('{"id":"cmpl_1","choices":[]}');
  });

  it("without an inspector is the fetch itself (no wrapper, no copy)", () => {
    expect(inspectExchanges(fetch, undefined)).toBe(fetch);
  });
});

describe("inspectingFetch", () => {
  it("captures requests that carry an inspector in their init, and strips it before sending", async () => {
    let seen: RequestInit | undefined;
    const underlying: typeof fetch = (input, init) => {
      seen = init;
      return fetch(input, init);
    };
    const [url, init] = post("/json");
    const response = await inspectingFetch(underlying)(url, {
      ...init,
      ...inspectorFetchOptions(record),
    });
    await response.text();
    expect(exchanges).toHaveLength(1);
    expect(Object.getOwnPropertySymbols(seen)).toEqual([]);
  });

  it("passes other requests straight through: the underlying response itself, nothing captured", async () => {
    let underlyingResponse: Response | undefined;
    const underlying: typeof fetch = async (input, init) => {
      underlyingResponse = await fetch(input, init);
      return underlyingResponse;
    };
    const [url, init] = post("/json");
    const response = await inspectingFetch(underlying)(url, {
      ...init,
      ...inspectorFetchOptions(undefined),
    });
    expect(response).toBe(underlyingResponse);
    await response.text();
    expect(exchanges).toHaveLength(0);
  });
});

describe("a request fetch itself refuses", () => {
  it("fails as it would without the inspector, and is reported", async () => {
    const bad = { method: "POST", headers: { "bad header": "x" }, body: "{}" };
    const plain = await fetch(`${server.url}/json`, bad).catch((error: unknown) => error);
    const recorded: ProviderExchangeV1[] = [];
    const inspected = await inspectExchanges(fetch, (exchange) => {
      recorded.push(exchange);
    })(`${server.url}/json`, bad).catch((error: unknown) => error);
    expect(inspected).toBeInstanceOf(TypeError);
    expect((inspected as Error).message).toBe((plain as Error).message);
    expect(recorded[0]).toMatchObject({ requestHeaders: {}, status: undefined });
  });
});
