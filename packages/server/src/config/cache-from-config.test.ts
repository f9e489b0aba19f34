/**
 * `[cache]` and `[redis]` through `gatewayFromConfig`: a memory cache
 * answers a repeated embedding without an upstream request, and two
 * gateways built from one configuration share a real `redis-server`: an
 * entry one of them wrote is a hit for the other. `dispose()` closes the
 * Redis clients.
 */
import { join } from "node:path";
import { jsonReply } from "@ratatoskr/testing";
import { useOpenAIWireMockServer } from "@ratatoskr/testing/conformance";
import { type RedisTestServer, startRedisServer } from "@ratatoskr/testing/servers";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ConfigSandbox, configSandbox } from "./config.test-helpers.ts";
import { gatewayFromConfig, loadRatdConfig } from "./index.ts";

const upstream = useOpenAIWireMockServer();
let sandbox: ConfigSandbox;
let redis: RedisTestServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis.stop());
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

/** Ollama's `/api/embed` answer for one text. */
const embedding = (values: number[]) =>
  jsonReply(
    200,
    JSON.stringify({ model: "nomic-embed-text", embeddings: [values], prompt_eval_count: 2 }),
  );

async function configFrom(text: string) {
  const path = await sandbox.write(join(sandbox.other, "config.toml"), text);
  return loadRatdConfig({
    path,
    home: sandbox.home,
    etcDirectory: sandbox.etc,
    env: {},
  });
}

const providers = () => `[providers.ollama]\nbase_url = "${upstream.url}"\n`;

describe("[cache] through gatewayFromConfig", () => {
  it("a memory cache answers a repeated embedding without an upstream request", async () => {
    upstream.reply(embedding([0.25, 0.5]));
    const gateway = await gatewayFromConfig(
      await configFrom(`${providers()}[cache]\nenabled = true\n`),
    );
    try {
      const first = await gateway.embed("hello", "ollama:nomic-embed-text");
      const second = await gateway.embed("hello", "ollama:nomic-embed-text");
      expect(second).toEqual(first);
      expect(first.values).toEqual([0.25, 0.5]);
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await gateway.dispose();
    }
  });

  it("without [cache], every call goes upstream", async () => {
    upstream.reply(embedding([1, 0]), embedding([1, 0]));
    const gateway = await gatewayFromConfig(await configFrom(providers()));
    try {
      await gateway.embed("hello", "ollama:nomic-embed-text");
      await gateway.embed("hello", "ollama:nomic-embed-text");
      expect(upstream.requests).toHaveLength(2);
    } finally {
      await gateway.dispose();
    }
  });

  it("two gateways on one redis-server share entries; dispose closes their clients", async () => {
    upstream.reply(embedding([0.5, -0.5]));
    const text = `${providers()}[cache]\nenabled = true\nstore = "redis"\n[redis]\nurl = "${redis.url}"\nkey_prefix = "t${process.pid}:"\n`;
    const one = await gatewayFromConfig(await configFrom(text));
    const two = await gatewayFromConfig(await configFrom(text));
    try {
      const written = await one.embed("shared", "ollama:nomic-embed-text");
      const read = await two.embed("shared", "ollama:nomic-embed-text");
      expect(read).toEqual(written);
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await one.dispose();
      await two.dispose();
    }
  });
});

describe("[providers.*] budgets through gatewayFromConfig", () => {
  it("requests_per_minute is the gateway's own budget: the next call fails rate_limited, not blamed on the provider", async () => {
    upstream.reply(embedding([1, 2]));
    const gateway = await gatewayFromConfig(
      await configFrom(
        `[providers.ollama]\nbase_url = "${upstream.url}"\nrequests_per_minute = 1\n`,
      ),
    );
    try {
      await gateway.embed("one", "ollama:nomic-embed-text");
      const error = await gateway.embed("two", "ollama:nomic-embed-text").catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "rate_limited", provider: undefined });
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await gateway.dispose();
    }
  });

  it("two gateways on one redis-server share one budget (shared_budgets, on by default)", async () => {
    upstream.reply(embedding([1, 2]));
    const text = `[providers.ollama]\nbase_url = "${upstream.url}"\nrequests_per_minute = 1\n[redis]\nurl = "${redis.url}"\nkey_prefix = "b${process.pid}:"\nshared_state = false\n`;
    const one = await gatewayFromConfig(await configFrom(text));
    const two = await gatewayFromConfig(await configFrom(text));
    try {
      await one.embed("one", "ollama:nomic-embed-text");
      await expect(two.embed("two", "ollama:nomic-embed-text")).rejects.toMatchObject({
        code: "rate_limited",
      });
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await one.dispose();
      await two.dispose();
    }
  });
});
