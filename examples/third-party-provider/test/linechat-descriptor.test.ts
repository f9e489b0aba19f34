/**
 * The descriptor read without creating the provider, its lazy `create`,
 * and the call's signal honoured while LineChat has not answered yet.
 */
import { RatatoskrError } from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINECHAT_API_KEY_VARIABLE, linechatDescriptor } from "../src/index.ts";
import { type LineChatFakeServer, startLineChatServer } from "../src/linechat-fake-server.ts";

const KEY = "test-canary-3f9a2c71-key";
let server: LineChatFakeServer;
beforeAll(async () => {
  server = await startLineChatServer({ apiKey: KEY });
});
afterAll(async () => {
  await server.close();
});

describe("linechatDescriptor", () => {
  it("is configured exactly when LINECHAT_API_KEY is set to something", () => {
    expect(linechatDescriptor.environment).toEqual({ apiKey: LINECHAT_API_KEY_VARIABLE });
    expect(linechatDescriptor.isConfigured!({})).toBe(false);
    expect(linechatDescriptor.isConfigured!({ [LINECHAT_API_KEY_VARIABLE]: "  " })).toBe(false);
    expect(linechatDescriptor.isConfigured!({ [LINECHAT_API_KEY_VARIABLE]: KEY })).toBe(true);
  });

  it("hints line-* to chat and line-embed-* to embeddings, never crosswise", () => {
    const hintFor = (capability: string, model: string) =>
      linechatDescriptor.routing!.find(
        (hint) =>
          hint.pattern.test(model) &&
          (hint.capabilities === undefined || hint.capabilities.includes(capability as never)),
      );
    expect(hintFor("chat", "line-1")?.reason).toBe("line-* chat models are LineChat's");
    expect(hintFor("embed", "line-embed-1")?.reason).toMatch(/embedding models/);
    expect(hintFor("chat", "line-embed-1")).toBeUndefined();
    expect(hintFor("embed", "line-1")).toBeUndefined();
    expect(hintFor("chat", "gpt-4o")).toBeUndefined();
  });

  it("creates the provider with its settings; a missing key fails as authentication", async () => {
    const provider = await linechatDescriptor.create({ apiKey: KEY, baseURL: server.url });
    expect(provider.id).toBe(linechatDescriptor.id);
    expect(provider.supports!("embed", "line-1")).toMatchObject({ supported: false });
    const saved = process.env[LINECHAT_API_KEY_VARIABLE];
    delete process.env[LINECHAT_API_KEY_VARIABLE];
    try {
      await expect(linechatDescriptor.create({ baseURL: server.url })).rejects.toSatisfy(
        (error: unknown) => RatatoskrError.isInstance(error, "authentication"),
      );
    } finally {
      if (saved !== undefined) process.env[LINECHAT_API_KEY_VARIABLE] = saved;
    }
  });
});

describe("the call's signal", () => {
  it("aborts an embedding request LineChat has not answered", async () => {
    const provider = await linechatDescriptor.create({ apiKey: KEY, baseURL: server.url });
    server.failNext({ hangAfterLines: 0 });
    const before = server.requests.length;
    const controller = new AbortController();
    const pending = provider.embedding!.embed({
      model: "line-embed-1",
      values: ["wait"],
      providerOptions: {},
      signal: controller.signal,
    });
    await expect.poll(() => server.requests.length).toBe(before + 1);
    controller.abort();
    await expect(pending).rejects.toSatisfy((error: unknown) =>
      RatatoskrError.isInstance(error, "aborted"),
    );
  });
});
