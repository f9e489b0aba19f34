import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfigSandbox, configSandbox, configurationError } from "./config.test-helpers.ts";
import { checkConfig, gatewayFromConfig, loadRatdConfig, registrationOrder } from "./index.ts";

let sandbox: ConfigSandbox;
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

/** Nothing listens on port 9 of loopback; creating providers must not call it anyway. */
const LOOPBACK = "http://127.0.0.1:9";

async function configFrom(text: string, env: Record<string, string> = {}) {
  const path = await sandbox.write(join(sandbox.other, "config.toml"), text);
  return loadRatdConfig({ path, home: sandbox.home, etcDirectory: sandbox.etc, env });
}

describe("gatewayFromConfig", () => {
  it("registers the configured providers, in the original's order", async () => {
    const config = await configFrom(
      `[providers.ollama]\nbase_url = "${LOOPBACK}"\n[providers.openai]\nbase_url = "${LOOPBACK}/v1"\n`,
      { OPENAI_API_KEY: "sk-fake-key-for-tests-0001" },
    );
    const gateway = await gatewayFromConfig(config);
    try {
      expect(gateway.providers().map((provider) => provider.id)).toEqual(["openai", "ollama"]);
    } finally {
      await gateway.dispose();
    }
  });

  it("puts the providers [routing] prefers first", async () => {
    const config = await configFrom(
      `[providers.openrouter]\nbase_url = "${LOOPBACK}"\n[providers.ollama]\nbase_url = "${LOOPBACK}"\n[routing]\nchat = "ollama"\n`,
      { OPENROUTER_API_KEY: "sk-or-fake-key-for-tests-01" },
    );
    expect(registrationOrder(config).map((provider) => provider.id)).toEqual([
      "ollama",
      "openrouter",
    ]);
    const gateway = await gatewayFromConfig(config);
    try {
      expect(gateway.providers().map((provider) => provider.id)).toEqual(["ollama", "openrouter"]);
    } finally {
      await gateway.dispose();
    }
  });

  it("refuses a configuration without providers, naming the file", async () => {
    const config = await configFrom("[limits]\nmax_concurrent_requests = 3\n");
    const error = await configurationError(gatewayFromConfig(config));
    expect(error.message).toContain(`${config.file}: [providers] — no provider configured`);
  });

  it("names the table of a provider whose package is not installed", async () => {
    const config = await configFrom(`[providers.ollama]\nbase_url = "${LOOPBACK}"\n`);
    const error = await configurationError(
      gatewayFromConfig(config, {
        importModule: async (specifier) => {
          throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
            code: "ERR_MODULE_NOT_FOUND",
          });
        },
      }),
    );
    expect(error.message).toContain(`${config.file}: [providers.ollama] — cannot be created`);
    expect(error.message).toContain("@ratatoskr/provider-ollama is not installed");
  });

  it("names [routing.fallbacks] when a fallback's provider is not registered", async () => {
    const config = await configFrom(
      `[providers.ollama]\nbase_url = "${LOOPBACK}"\n[routing.fallbacks]\nchat = ["anthropic:claude-x"]\n`,
    );
    const error = await configurationError(gatewayFromConfig(config));
    expect(error.message).toContain(`${config.file}: [routing.fallbacks]`);
  });
});

describe("checkConfig", () => {
  it("summarises files, address, limits and providers", async () => {
    const path = await sandbox.write(
      join(sandbox.other, "config.toml"),
      `[limits]\nmax_concurrent_requests = 12\nmax_concurrent_requests_per_client = 3\n[providers.ollama]\nbase_url = "${LOOPBACK}"\n[routing]\nembed = "ollama"\n`,
    );
    const result = await checkConfig({
      path,
      home: sandbox.home,
      etcDirectory: sandbox.etc,
      env: {},
    });
    expect(result.ok).toBe(true);
    expect(result.summary).toContain(`configuration: ${path}`);
    expect(result.summary).toContain("listen: 127.0.0.1:9741 (loopback only)");
    expect(result.summary).toContain("12 concurrent requests, 3 per client");
    expect(result.summary).toContain(`  ollama (baseURL=${LOOPBACK})`);
    expect(result.summary).toContain("routing: embed → ollama");
  });

  it("fails as the daemon would for a configuration with nothing to serve", async () => {
    await configurationError(
      checkConfig({ home: sandbox.home, etcDirectory: sandbox.etc, env: {} }),
    );
  });
});
