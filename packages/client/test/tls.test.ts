/**
 * `ratd` over TLS (`startRatd({ tls })`) and the client trusting its
 * certificate (`options.tls.ca`): RPCs and the OpenAI-compatible API over
 * HTTPS on one port, and a typed failure for an untrusted certificate.
 */

import { readFileSync } from "node:fs";
import { request } from "node:https";
import { fileURLToPath } from "node:url";
import { Message, RatatoskrError } from "@ratatoskr/core";
import { createOpenAIHttpHandler, type Ratd, startRatd } from "@ratatoskr/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient } from "../src/index.ts";
import { embeddedGateway } from "./support/gateways.ts";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
const certFile = fixture("localhost.cert.pem");
const keyFile = fixture("localhost.key.pem");
const ca = readFileSync(certFile, "utf8");

let ratd: Ratd;

beforeAll(async () => {
  const gateway = await embeddedGateway();
  ratd = await startRatd({
    gateway,
    port: 0,
    tls: { certFile, keyFile },
    httpFallback: createOpenAIHttpHandler(gateway),
  });
});

afterAll(async () => {
  await ratd?.close({ graceMs: 0 });
});

describe("ratd over TLS", () => {
  it("serves RPCs to a client that trusts its certificate", async () => {
    expect(ratd.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const client = createServiceClient(ratd.url, { tls: { ca } });
    try {
      const answer = await client.chat([Message.user("over tls")], { model: "mock-model" });
      expect(answer.content).toContain("over tls");
      expect(await client.health()).toMatchObject({ healthy: true, providers: ["mock"] });
    } finally {
      await client.close();
    }
  });

  it("serves the OpenAI-compatible API over HTTPS (HTTP/1.1 by ALPN) on the same port", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const req = request(`${ratd.url}/v1/models`, { ca }, (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        req.on("error", reject);
        req.end();
      },
    );
    expect(status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ object: "list" });
  });

  it("a client that does not trust the certificate fails with a typed error, not a TypeError", async () => {
    const client = createServiceClient(ratd.url, { tls: {}, retry: false });
    try {
      const error = await client.chat([Message.user("x")], { model: "mock-model" }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(RatatoskrError.isInstance(error)).toBe(true);
      expect((error as RatatoskrError).code).toBe("network");
      expect((error as RatatoskrError).message).toContain("certificate was refused");
      expect((error as RatatoskrError).message).toContain("options.tls.ca");
    } finally {
      await client.close();
    }
  });
});
