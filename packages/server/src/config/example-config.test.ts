import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfigSandbox, configSandbox } from "./config.test-helpers.ts";
import { loadRatdConfig, summarizeConfig } from "./index.ts";

const EXAMPLE = fileURLToPath(new URL("../../../../contrib/config.example.toml", import.meta.url));

let sandbox: ConfigSandbox;
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

describe("contrib/config.example.toml", () => {
  it("loads, so the documented keys stay the ones the loader takes", async () => {
    const config = await loadRatdConfig({
      path: EXAMPLE,
      home: sandbox.home,
      etcDirectory: sandbox.etc,
      env: { OPENROUTER_API_KEY: "sk-or-example-key-0001" },
    });
    expect(config.server.address).toBe("127.0.0.1:9741");
    expect(config.limits.maxConcurrentRequestsPerClient).toBe(20);
    expect(config.providers.map((provider) => provider.name)).toEqual(["openrouter", "ollama"]);
    expect(config.routing.preferred).toEqual({ chat: "openrouter", embed: "ollama" });
    expect(summarizeConfig(config)).toContain("key from OPENROUTER_API_KEY");
    expect(config.telemetry).toMatchObject({ metrics: true, otlpEndpoint: undefined });
    expect(config.cache).toMatchObject({
      enabled: true,
      store: "memory",
      ttlSeconds: { embed: 86_400, nli: 86_400 },
    });
    expect(config.redis).toBeUndefined();
  });

  it("loads with every commented-out table and key switched on", async () => {
    const cert = await sandbox.write(join(sandbox.other, "cert.pem"), "cert");
    const key = await sandbox.write(join(sandbox.other, "key.pem"), "key", 0o600);
    const text = (await readFile(EXAMPLE, "utf8"))
      .split("\n")
      .map((line) => (/^# (\[[a-z.]+\]|[a-z_]+ = .*)$/.test(line) ? line.slice(2) : line))
      .join("\n")
      .replace("/etc/ratatoskr/tls/cert.pem", cert)
      .replace("/etc/ratatoskr/tls/key.pem", key);
    const path = await sandbox.write(join(sandbox.other, "config.toml"), text);
    const config = await loadRatdConfig({
      path,
      home: sandbox.home,
      etcDirectory: sandbox.etc,
      env: {
        OPENROUTER_API_KEY: "sk-or-example-key-0001",
        ANTHROPIC_API_KEY: "sk-ant-example-key-0001",
        OPENAI_API_KEY: "sk-example-key-0001",
        HF_TOKEN: "hf_examplekey0001",
      },
    });
    expect(config.server.tls).toEqual({ certFile: cert, keyFile: key });
    expect(config.providers.map((provider) => provider.name)).toEqual([
      "openrouter",
      "anthropic",
      "openai",
      "ollama",
      "huggingface",
      "local",
    ]);
    expect(config.providers.find((p) => p.name === "local")?.settings).toMatchObject({
      device: "cpu",
      offline: false,
    });
    expect(config.registry?.remoteUrl).toBe("https://example.com/registry.json");
    expect(config.redis).toMatchObject({ keyPrefix: "ratatoskr:", sharedState: true });
    expect(config.redis?.url.reveal()).toBe("redis://127.0.0.1:6379");
    expect(config.telemetry).toEqual({
      metrics: true,
      metricsRequireToken: true,
      maxModelLabels: 100,
      otlpEndpoint: "http://localhost:4318/v1/traces",
      serviceName: "ratd",
    });
  });
});
