import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError, registerSecret } from "@ratatoskr/core";
import {
  type HugeResponseServer,
  LOOPBACK_BUFFER_BYTES,
  startHugeResponseServer,
} from "@ratatoskr/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorMessageExcerpt, httpError, MAX_ERROR_MESSAGE_LENGTH } from "./http-error.ts";
import { HubFileDownloader } from "./hub-download.ts";
import { boundErrorBodies, MAX_ERROR_BODY_BYTES, readErrorBody } from "./read-error-body.ts";

const CANARY = "canary-secret-value-for-bounded-bodies";

let server: HugeResponseServer;
beforeAll(async () => {
  server = await startHugeResponseServer({ head: '{"error":{"message":"' });
});
afterAll(async () => {
  await server.close();
});

/** The server's account of the latest request: the body was cut short, at most bound + buffers written. */
async function expectCancelledEarly(): Promise<void> {
  const outcome = await server.outcomes.at(-1)!;
  expect(outcome.complete).toBe(false);
  expect(outcome.bytesWritten).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES + LOOPBACK_BUFFER_BYTES);
}

/** A small body served by a Response (no network). */
function responseOf(body: string | Uint8Array<ArrayBuffer>, status = 500): Response {
  return new Response(body, { status });
}

describe("readErrorBody", () => {
  it("reads a 100 MiB error body only up to 64 KiB and cancels the rest", async () => {
    const response = await fetch(server.url);
    const text = await readErrorBody(response);
    expect(text.startsWith('{"error":{"message":"xxx')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
    expect(text.length).toBeGreaterThan(MAX_ERROR_BODY_BYTES - 1024);
    await expectCancelledEarly();
  });

  it("reads a small body whole, redacted", async () => {
    registerSecret(CANARY);
    expect(await readErrorBody(responseOf(`{"error":"bad key ${CANARY}"}`))).toBe(
      '{"error":"bad key [REDACTED]"}',
    );
    expect(await readErrorBody(new Response(null, { status: 502 }))).toBe("");
  });

  it("redacts before it cuts: a key straddling the cut leaves no fragment", async () => {
    registerSecret(CANARY);
    const limitBytes = 2_000;
    for (const offset of [5, 20, CANARY.length - 3]) {
      const body = `${"a".repeat(limitBytes - offset)}${CANARY}${"b".repeat(100)}`;
      const text = await readErrorBody(responseOf(body), { limitBytes });
      expect(text).not.toContain(CANARY.slice(0, 5));
      expect(text.length).toBeLessThan(limitBytes);
    }
    const whole = `${"a".repeat(500)}${CANARY}${"b".repeat(2_000)}`;
    expect(await readErrorBody(responseOf(whole), { limitBytes })).toContain("a[REDACTED]b");
  });

  it("drops a multi-byte character split by the cut instead of garbling it", async () => {
    const body = new TextEncoder().encode(`${"é".repeat(1_000)}`); // 2 bytes each
    const text = await readErrorBody(responseOf(body), { limitBytes: 1_001 });
    expect(text).toMatch(/^é+$/);
  });

  it("keeps what arrived when the connection breaks mid-body; rethrows an abort", async () => {
    let sent = false;
    const breaking = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new TypeError("terminated"));
        else controller.enqueue(new TextEncoder().encode(`{"error":"${"h".repeat(1_000)}`));
        sent = true;
      },
    });
    // Cut like any other cut: the last 256 characters go (a key may straddle the break).
    const partial = await readErrorBody(new Response(breaking, { status: 503 }));
    expect(partial).toBe(`{"error":"${"h".repeat(1_000 - 256)}`);
    const controller = new AbortController();
    const response = await fetch(server.url, { signal: controller.signal });
    controller.abort();
    await expect(readErrorBody(response, { signal: controller.signal })).rejects.toMatchObject({
      name: "AbortError",
    });
    await expectCancelledEarly();
  });
});

describe("boundErrorBodies", () => {
  it("hands back a failed response with a bounded body, status and headers kept", async () => {
    const bounded = boundErrorBodies(fetch);
    const response = await bounded(`${server.url}/v1/chat/completions`, { method: "POST" });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("content-length")).toBeNull();
    expect(response.url).toBe(`${server.url}/v1/chat/completions`);
    const text = await response.text();
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
    expect(text.startsWith('{"error":{"message":"xxx')).toBe(true);
    await expectCancelledEarly();
  });

  it("passes successful responses through untouched, and uses the global fetch at call time", async () => {
    const ok = new Response("a stream", { status: 200 });
    const saved = globalThis.fetch;
    globalThis.fetch = async () => ok;
    try {
      expect(await boundErrorBodies()("http://127.0.0.1:9/")).toBe(ok);
    } finally {
      globalThis.fetch = saved;
    }
  });
});

describe("bounded messages", () => {
  it("httpError keeps a bounded excerpt of a huge provider message", () => {
    const error = httpError({ status: 500, provider: "p", message: "m".repeat(5_000_000) });
    expect(error.message.length).toBeLessThan(MAX_ERROR_MESSAGE_LENGTH + 40);
    expect(error.message).toMatch(/^p returned HTTP 500: m+…$/);
  });

  it("errorMessageExcerpt redacts before it cuts", () => {
    registerSecret(CANARY);
    const excerpt = errorMessageExcerpt(`${"m".repeat(490)}${CANARY}`);
    expect(excerpt).toBe(`${"m".repeat(490)}[REDACTED]`);
    expect(errorMessageExcerpt(`${"m".repeat(495)}${CANARY}`)).not.toContain(CANARY.slice(0, 5));
  });
});

describe("HubFileDownloader", () => {
  it("reads only a bounded prefix of a 100 MiB error body", async () => {
    const cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-hub-huge-"));
    try {
      const hub = new HubFileDownloader({ cacheDirectory, offline: false, hubURL: server.url });
      const error = await hub
        .file({ repository: "org/name", revision: "main", path: "config.json" })
        .then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
      expect(RatatoskrError.isInstance(error, "provider")).toBe(true);
      const typed = error as RatatoskrError;
      expect(typed.status).toBe(500);
      expect(typed.message.length).toBeLessThan(1_000);
      expect(typed.body!.length).toBeLessThanOrEqual(4096);
      await expectCancelledEarly();
    } finally {
      await rm(cacheDirectory, { recursive: true, force: true });
    }
  });
});
