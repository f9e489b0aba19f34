/**
 * `[cache]` and `[redis]`: defaults, every key, each bad value as a
 * `configuration` error naming the file, the key and the problem, and the
 * Redis URL's secret handling (secrets file, environment, never printed).
 */

import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { summarizeConfig } from "./check-config.ts";
import { type ConfigSandbox, configSandbox, configurationError } from "./config.test-helpers.ts";
import { DEFAULT_CACHE, loadRatdConfig } from "./index.ts";

let sandbox: ConfigSandbox;
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

async function load(text: string, env: Record<string, string> = {}, secrets?: string) {
  const path = await sandbox.write(join(sandbox.other, "config.toml"), text);
  if (secrets !== undefined)
    await sandbox.write(join(sandbox.other, "secrets.toml"), secrets, 0o600);
  const config = await loadRatdConfig({
    path,
    home: sandbox.home,
    etcDirectory: sandbox.etc,
    env,
  });
  return { path, config };
}

/** A password built at run time (no secret-shaped literal in the source). */
const password = () => ["pw", "for", "tests", String(process.pid)].join("-");

describe("[cache]", () => {
  it("is off by default, with the gateway's defaults", async () => {
    const { config } = await load("");
    expect(config.cache).toEqual(DEFAULT_CACHE);
    expect(config.cache).toMatchObject({
      enabled: false,
      store: "memory",
      maxBytes: 64 * 1024 * 1024,
    });
    expect(config.redis).toBeUndefined();
  });

  it("reads every key, the time to live per kind in seconds", async () => {
    const { config } = await load(`
[cache]
enabled = true
store = "redis"
max_bytes = 4096
chat = true
generate = true
store_timeout_ms = 250
[cache.ttl_secs]
embed = 60
count_tokens = 30
[redis]
url = "redis://127.0.0.1:6390"
key_prefix = "eu:"
command_timeout_ms = 300
shared_state = false
`);
    expect(config.cache).toEqual({
      enabled: true,
      store: "redis",
      maxBytes: 4096,
      chat: true,
      generate: true,
      storeTimeoutMs: 250,
      ttlSeconds: { embed: 60, countTokens: 30 },
    });
    expect(config.redis).toMatchObject({
      keyPrefix: "eu:",
      commandTimeoutMs: 300,
      sharedState: false,
    });
    expect(config.redis?.url.reveal()).toBe("redis://127.0.0.1:6390");
  });

  it.each([
    ['[cache]\nstore = "disk"\n', "[cache].store"],
    ["[cache]\nenabled = 1\n", "[cache].enabled"],
    ["[cache]\nmax_bytes = 10\n", "[cache].max_bytes"],
    ["[cache.ttl_secs]\nembeddings = 5\n", "[cache.ttl_secs].embeddings"],
    ["[cache.ttl_secs]\nembed = 0\n", "[cache.ttl_secs].embed"],
    ["[cache]\ncolour = true\n", "[cache].colour"],
    ['[cache]\nenabled = true\nstore = "redis"\n', "[cache].store"],
    ['[redis]\nkey_prefix = "x"\n', "[redis].url"],
    ['[redis]\nurl = "http://127.0.0.1:6379"\n', "[redis].url"],
    ['[redis]\nurl = "redis://127.0.0.1"\nshared_state = "yes"\n', "[redis].shared_state"],
    ['[redis]\nurl = "redis://127.0.0.1"\nshared_budgets = 0\n', "[redis].shared_budgets"],
    ["[providers.ollama]\nmax_in_flight = 0\n", "[providers.ollama].max_in_flight"],
    ["[providers.ollama]\nrequests_per_minute = 1.5\n", "[providers.ollama].requests_per_minute"],
  ])("refuses %j naming %s", async (text, key) => {
    const path = join(sandbox.other, "config.toml");
    const error = await configurationError(load(text));
    expect(error.message).toContain(`${path}: ${key}`);
  });

  it("refuses a password in config.toml, without printing it", async () => {
    const secret = password();
    const error = await configurationError(
      load(`[redis]\nurl = "redis://:${secret}@127.0.0.1:6379"\n`),
    );
    expect(error.message).toContain("[redis].url");
    expect(error.message).toContain("secrets.toml");
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(secret);
  });

  it("takes the URL from secrets.toml first, then RATATOSKR_REDIS_URL, then config.toml; never prints it", async () => {
    const fromEnv = await load('[redis]\nurl = "redis://127.0.0.1:1"\n', {
      RATATOSKR_REDIS_URL: "redis://127.0.0.1:2",
    });
    expect(fromEnv.config.redis?.url.reveal()).toBe("redis://127.0.0.1:2");
    const fromEnvOnly = await load("[redis]\n", { RATATOSKR_REDIS_URL: "redis://127.0.0.1:4" });
    expect(fromEnvOnly.config.redis).toMatchObject({ keyPrefix: "ratatoskr:", sharedState: true });
    expect(fromEnvOnly.config.redis?.url.reveal()).toBe("redis://127.0.0.1:4");
    const secret = password();
    const fromSecrets = await load(
      '[redis]\nurl = "redis://127.0.0.1:1"\n',
      { RATATOSKR_REDIS_URL: "redis://127.0.0.1:2" },
      `[redis]\nurl = "redis://:${secret}@127.0.0.1:3"\n`,
    );
    expect(fromSecrets.config.redis?.url.reveal()).toBe(`redis://:${secret}@127.0.0.1:3`);
    expect(inspect(fromSecrets.config, { depth: Number.POSITIVE_INFINITY })).not.toContain(secret);
    expect(JSON.stringify(fromSecrets.config)).not.toContain(secret);
    const summary = summarizeConfig(fromSecrets.config);
    expect(summary).toContain("redis: redis://127.0.0.1:3 (URL from ");
    expect(summary).not.toContain(secret);
  });
});
