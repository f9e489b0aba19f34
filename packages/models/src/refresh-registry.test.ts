/**
 * The remote registry against a loopback server (127.0.0.1, an ephemeral
 * port): ETag and 304, server errors, a stalled server ended by a signal or
 * the timeout, bodies that are not JSON or not a registry this package
 * reads, and the on-disk cache. No other network.
 */
import { getEventListeners } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadRegistry, refreshRegistry } from "./refresh-registry.ts";
import { registryCachePath } from "./registry-cache.ts";
import { shippedRegistry } from "./shipped-registry.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A registry document the "remote" serves: one new model, and a new price for a shipped one. */
function remoteDocument(price = 4) {
  return {
    version: 1,
    models: [
      {
        info: {
          id: "remote/new-model",
          provider: "openrouter",
          capabilities: ["Chat"],
          context_window: 4096,
        },
        parameters: {},
      },
      {
        info: { id: "anthropic/claude-sonnet-4.6", provider: "openrouter", capabilities: ["Chat"] },
        parameters: {},
        pricing: { prompt_cost_per_mtok: price, completion_cost_per_mtok: 20 },
      },
    ],
    presets: { premium: { agentic: "remote/new-model" } },
  };
}

let server: Server;
let url: string;
let handler: Handler;
const requests: IncomingMessage[] = [];
let arrived: () => void = () => {};
let cacheDirectory: string;

/** Resolves when the next request reaches the server. */
function nextRequest(): Promise<void> {
  return new Promise((resolve) => {
    arrived = resolve;
  });
}

beforeEach(async () => {
  requests.length = 0;
  handler = (_request, response) => {
    response.writeHead(500).end();
  };
  server = createServer((request, response) => {
    requests.push(request);
    arrived();
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/registry.json`;
  cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-models-"));
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(cacheDirectory, { recursive: true, force: true });
});

function serve(status: number, body: string, headers: Record<string, string> = {}): void {
  handler = (_request, response) => {
    response.writeHead(status, { "content-type": "application/json", ...headers }).end(body);
  };
}

/** Serves the document with an ETag; answers 304 to a matching If-None-Match. */
function serveWithEtag(document: unknown, etag: string): void {
  handler = (request, response) => {
    if (request.headers["if-none-match"] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    response
      .writeHead(200, { "content-type": "application/json", etag })
      .end(JSON.stringify(document));
  };
}

async function primeCache(): Promise<void> {
  serveWithEtag(remoteDocument(), '"v1"');
  const first = await refreshRegistry({ url, cacheDirectory });
  expect(first.status.source).toBe("remote");
  requests.length = 0;
}

describe("refreshRegistry", () => {
  it("fetches the registry, lays it over the shipped one and caches it with its ETag", async () => {
    serveWithEtag(remoteDocument(), '"v1"');
    const { registry, status } = await refreshRegistry({
      url,
      cacheDirectory,
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    expect(status).toEqual({
      source: "remote",
      fresh: true,
      note: `registry fetched from ${url}`,
      url,
      etag: '"v1"',
      fetchedAt: "2026-01-02T03:04:05.000Z",
      models: shippedRegistry().size + 1,
    });
    expect(registry.get("remote/new-model")?.info.context_window).toBe(4096);
    expect(registry.get("anthropic/claude-sonnet-4.6")).toMatchObject({
      pricing: { prompt_cost_per_mtok: 4, completion_cost_per_mtok: 20 },
      info: { context_window: 1_000_000 }, // kept from the shipped record
      max_output_tokens: 128_000,
    });
    expect(registry.preset("premium", "agentic")?.model).toBe("remote/new-model");
    expect(registry.preset("free", "agentic")?.model).toBe(
      "mistralai/mistral-small-3.1-24b-instruct:free",
    );
    expect(requests[0]?.headers["if-none-match"]).toBeUndefined();
    expect(requests[0]?.headers.accept).toBe("application/json");
    const cached = JSON.parse(await readFile(registryCachePath(cacheDirectory, url), "utf8"));
    expect(cached).toMatchObject({ url, etag: '"v1"', registry: remoteDocument() });
  });

  it("sends the cached ETag, and on 304 serves the cached copy as current", async () => {
    await primeCache();
    const { registry, status } = await refreshRegistry({ url, cacheDirectory });
    expect(requests[0]?.headers["if-none-match"]).toBe('"v1"');
    expect(status).toMatchObject({
      source: "cache",
      fresh: true,
      note: `cached registry from ${url} is current (304 Not Modified)`,
      etag: '"v1"',
    });
    expect(status.error).toBeUndefined();
    expect(registry.get("remote/new-model")).toBeDefined();
  });

  it("replaces the cache when the server has a new version", async () => {
    await primeCache();
    serveWithEtag(remoteDocument(9), '"v2"');
    const { registry, status } = await refreshRegistry({ url, cacheDirectory });
    expect(status).toMatchObject({ source: "remote", etag: '"v2"' });
    expect(registry.get("anthropic/claude-sonnet-4.6")?.pricing?.prompt_cost_per_mtok).toBe(9);
    const offline = await loadRegistry({ url, cacheDirectory });
    expect(offline.status).toMatchObject({ source: "cache", fresh: false, etag: '"v2"' });
    expect(offline.registry.get("anthropic/claude-sonnet-4.6")?.pricing?.prompt_cost_per_mtok).toBe(
      9,
    );
  });

  it("serves the cached copy with a note when the server fails (500)", async () => {
    await primeCache();
    serve(500, '{"error": "upstream down"}');
    const { registry, status } = await refreshRegistry({ url, cacheDirectory });
    expect(status.source).toBe("cache");
    expect(status.fresh).toBe(false);
    expect(status.error).toMatchObject({ code: "provider", status: 500, isRetryable: true });
    expect(status.note).toContain(`could not refresh from ${url}`);
    expect(status.note).toContain("serving the cached copy fetched");
    expect(registry.get("remote/new-model")).toBeDefined();
  });

  it("serves the shipped copy with a note when the server fails and nothing is cached", async () => {
    serve(503, "busy");
    const { registry, status } = await refreshRegistry({ url, cacheDirectory });
    expect(registry).toBe(shippedRegistry());
    expect(status).toMatchObject({
      source: "shipped",
      fresh: false,
      url,
      models: shippedRegistry().size,
    });
    expect(status.error).toMatchObject({ code: "provider", status: 503 });
    expect(status.note).toMatch(
      /^serving the registry shipped with @ratatoskr\/models: could not refresh from/,
    );
    expect(await readdir(cacheDirectory)).toEqual([]);
  });

  it("reports a wrong URL (404) as an http error, not a missing model", async () => {
    serve(404, "Not Found");
    const { status } = await refreshRegistry({ url, cacheDirectory });
    expect(status.source).toBe("shipped");
    expect(status.error).toMatchObject({ code: "http", status: 404, isRetryable: false });
  });

  it("serves the fallback when the body is not JSON (json error), and keeps the cache", async () => {
    await primeCache();
    serve(200, "{ not json", { etag: '"broken"' });
    const { status } = await refreshRegistry({ url, cacheDirectory });
    expect(status.source).toBe("cache");
    expect(status.error).toMatchObject({ code: "json" });
    expect(status.error?.message).toMatch(
      /^registry from http:\/\/127\.0\.0\.1:\d+\/registry\.json: not valid JSON/,
    );
    expect((await loadRegistry({ url, cacheDirectory })).status.etag).toBe('"v1"');
  });

  it("serves the fallback when the registry is a newer format version, and says so", async () => {
    serve(200, JSON.stringify({ version: 2, models: [] }));
    const { status } = await refreshRegistry({ url, cacheDirectory });
    expect(status.source).toBe("shipped");
    expect(status.error).toMatchObject({ code: "data", details: { version: 2, supported: 1 } });
    expect(status.error?.message).toContain(
      "format version 2 is newer than this package reads (1); update @ratatoskr/models",
    );
  });

  it("serves the fallback when the registry is malformed, naming the place", async () => {
    serve(200, JSON.stringify({ version: 1, models: [{ info: { id: "x", provider: "p" } }] }));
    const { status } = await refreshRegistry({ url, cacheDirectory });
    expect(status.source).toBe("shipped");
    expect(status.error?.code).toBe("data");
    expect(status.error?.details?.field).toBe("models[0].info.capabilities");
  });

  it("ends a stalled request when the caller's signal aborts, and serves the fallback", async () => {
    await primeCache();
    handler = () => {}; // never answers
    const controller = new AbortController();
    const arrival = nextRequest();
    const pending = refreshRegistry({ url, cacheDirectory, signal: controller.signal });
    await arrival;
    controller.abort();
    const { status } = await pending;
    expect(status.source).toBe("cache");
    expect(status.error?.code).toBe("aborted");
  });

  it("ends a stalled request at the timeout, and serves the fallback", async () => {
    handler = () => {}; // never answers
    const { status } = await refreshRegistry({ url, cacheDirectory, timeout: 1 });
    expect(status.source).toBe("shipped");
    expect(status.error).toMatchObject({ code: "timeout", timeoutKind: "total" });
    expect(status.error?.message).toBe(`${url} did not answer within 1 ms`);
  });

  it("serves the fallback when the server cannot be reached (network error)", async () => {
    const closed = url;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = createServer().listen(0, "127.0.0.1"); // for afterEach
    const { status } = await refreshRegistry({ url: closed, cacheDirectory });
    expect(status.source).toBe("shipped");
    expect(status.error).toMatchObject({ code: "network", isRetryable: true });
  });

  it("refuses a body larger than maxBytes", async () => {
    serve(200, JSON.stringify(remoteDocument()));
    const { status } = await refreshRegistry({ url, cacheDirectory, maxBytes: 100 });
    expect(status.source).toBe("shipped");
    expect(status.error?.message).toBe(`registry from ${url} is larger than 100 bytes`);
  });

  it("still serves the fetched registry when the cache cannot be written, and says so", async () => {
    const notADirectory = join(cacheDirectory, "file");
    await writeFile(notADirectory, "x");
    serveWithEtag(remoteDocument(), '"v1"');
    const { registry, status } = await refreshRegistry({ url, cacheDirectory: notADirectory });
    expect(status.source).toBe("remote");
    expect(status.cacheError?.code).toBe("configuration");
    expect(status.note).toContain("(not cached: cannot write the registry cache");
    expect(registry.get("remote/new-model")).toBeDefined();
  });

  it("writes the cache atomically: no temporary file is left, and one file per URL", async () => {
    await primeCache();
    serveWithEtag(remoteDocument(5), '"v5"');
    await refreshRegistry({ url, cacheDirectory });
    const files = await readdir(join(cacheDirectory, "model-registry"));
    expect(files).toEqual([registryCachePath(cacheDirectory, url).split("/").at(-1)]);
    expect(registryCachePath(cacheDirectory, `${url}?other`)).not.toBe(
      registryCachePath(cacheDirectory, url),
    );
  });

  it("leaves no abort listener on a long-lived signal", async () => {
    const controller = new AbortController();
    serveWithEtag(remoteDocument(), '"v1"');
    for (let round = 0; round < 5; round++) {
      await refreshRegistry({ url, cacheDirectory, signal: controller.signal });
    }
    serve(500, "");
    await refreshRegistry({ url, cacheDirectory, signal: controller.signal });
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("clears its deadline timer whatever the outcome", async () => {
    const setTimer = vi.spyOn(globalThis, "setTimeout");
    const clearTimer = vi.spyOn(globalThis, "clearTimeout");
    const timeout = 123_457; // recognisable among other timers
    serveWithEtag(remoteDocument(), '"v1"');
    await refreshRegistry({ url, cacheDirectory, timeout }); // 200
    await refreshRegistry({ url, cacheDirectory, timeout }); // 304
    serve(500, "");
    await refreshRegistry({ url, cacheDirectory, timeout }); // error
    const deadlines = setTimer.mock.results
      .filter((_result, index) => setTimer.mock.calls[index]?.[1] === timeout)
      .map((result) => result.value);
    expect(deadlines).toHaveLength(3);
    const cleared = clearTimer.mock.calls.map(([handle]) => handle);
    for (const deadline of deadlines) expect(cleared).toContain(deadline);
  });

  it.each([
    [
      { url: "https://user:secret@registry.example/r.json", cacheDirectory: "/tmp/x" },
      "must not contain credentials",
    ],
    [{ url: "ftp://registry.example/r.json", cacheDirectory: "/tmp/x" }, "must be an http(s) URL"],
    [{ url: "not a url", cacheDirectory: "/tmp/x" }, "is not a valid URL"],
    [
      { url: "https://registry.example/r.json", cacheDirectory: "" },
      "cacheDirectory must be a non-empty directory path",
    ],
    [
      { url: "https://registry.example/r.json", cacheDirectory: "/tmp/x", timeout: Number.NaN },
      "timeout must be a positive integer",
    ],
    [
      { url: "https://registry.example/r.json", cacheDirectory: "/tmp/x", maxBytes: -1 },
      "maxBytes must be a positive integer",
    ],
  ])("rejects invalid options with invalid_input (%#)", async (options, message) => {
    const rejection = refreshRegistry(options as never);
    await expect(rejection).rejects.toMatchObject({ code: "invalid_input" });
    await expect(rejection).rejects.toThrow(message);
    await expect(rejection).rejects.not.toThrow("secret");
    expect(requests).toHaveLength(0);
  });
});

describe("loadRegistry (no network)", () => {
  it("serves the shipped registry with a note when nothing is cached", async () => {
    const { registry, status } = await loadRegistry({ url, cacheDirectory });
    expect(registry).toBe(shippedRegistry());
    expect(status).toEqual({
      source: "shipped",
      fresh: false,
      note: "serving the registry shipped with @ratatoskr/models: no cached copy yet",
      url,
      models: shippedRegistry().size,
    });
    expect(requests).toHaveLength(0);
  });

  it("serves the cached copy over the shipped one", async () => {
    await primeCache();
    const { registry, status } = await loadRegistry({ url, cacheDirectory });
    expect(status).toMatchObject({ source: "cache", fresh: false, etag: '"v1"', url });
    expect(registry.get("remote/new-model")).toBeDefined();
    expect(requests).toHaveLength(0);
  });

  it("reports a corrupt cache and serves the shipped registry", async () => {
    await primeCache();
    await writeFile(registryCachePath(cacheDirectory, url), "{ truncated");
    const { status } = await loadRegistry({ url, cacheDirectory });
    expect(status.source).toBe("shipped");
    expect(status.note).toBe(
      "serving the registry shipped with @ratatoskr/models: the cached copy is unusable",
    );
    expect(status.error?.message).toContain("is not valid JSON");
  });

  it("refreshes without If-None-Match when the cache is corrupt", async () => {
    await primeCache();
    await writeFile(registryCachePath(cacheDirectory, url), "{ truncated");
    const { status } = await refreshRegistry({ url, cacheDirectory });
    expect(requests[0]?.headers["if-none-match"]).toBeUndefined();
    expect(status.source).toBe("remote");
  });
});
