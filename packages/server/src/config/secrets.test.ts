import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfigSandbox, configSandbox, configurationError } from "./config.test-helpers.ts";
import { checkConfig, loadRatdConfig, Secret } from "./index.ts";

let sandbox: ConfigSandbox;
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

const CANARY = "sk-canary-7f3e9a1c5b2d4e6f8a0b";
const TOKEN_CANARY = "tok-canary-0d1e2f3a4b5c6d7e";

describe("secrets.toml", () => {
  const writeConfig = (text = "[providers.openai]\n") =>
    sandbox.write(join(sandbox.other, "config.toml"), text);
  const writeSecrets = (mode: number, text = `[openai]\napi_key = "${CANARY}"\n`) =>
    sandbox.write(join(sandbox.other, "secrets.toml"), text, mode);
  const load = (path: string, env: Record<string, string> = {}) =>
    loadRatdConfig({ path, home: sandbox.home, etcDirectory: sandbox.etc, env });

  it.skipIf(process.platform === "win32")(
    "is refused with mode 0644, with the chmod that fixes it",
    async () => {
      const secrets = await writeSecrets(0o644);
      const error = await configurationError(load(await writeConfig()));
      expect(error.message).toContain(secrets);
      expect(error.message).toContain("0644");
      expect(error.message).toContain(`chmod 600 ${secrets}`);
      expect(error.message).not.toContain(CANARY);
    },
  );

  it.skipIf(process.platform === "win32")(
    "is refused with mode 0640 (group may read)",
    async () => {
      await writeSecrets(0o640);
      await configurationError(load(await writeConfig()));
    },
  );

  it.each([0o600, 0o400])("is accepted with mode %o", async (mode) => {
    const secrets = await writeSecrets(mode);
    const config = await load(await writeConfig());
    expect(config.secretsFile).toBe(secrets);
    expect(config.providers[0]?.apiKey?.reveal()).toBe(CANARY);
    expect(config.providers[0]?.apiKey?.origin).toBe(`${secrets} [openai].api_key`);
  });

  it("skips the mode check on Windows", async () => {
    await writeSecrets(0o644);
    const config = await loadRatdConfig({
      path: await writeConfig(),
      home: sandbox.home,
      etcDirectory: sandbox.etc,
      env: {},
      platform: "win32",
    });
    expect(config.providers[0]?.apiKey?.reveal()).toBe(CANARY);
  });

  it("is found in ~/.ratatoskr when none is beside the configuration file", async () => {
    const secrets = await sandbox.write(
      join(sandbox.user, "secrets.toml"),
      `[openai]\napi_key = "${CANARY}"\n`,
      0o600,
    );
    const config = await load(await writeConfig());
    expect(config.secretsFile).toBe(secrets);
  });

  it("wins over the environment, which is the fallback", async () => {
    const path = await writeConfig("[providers.openai]\n[providers.huggingface]\n");
    await writeSecrets(0o600);
    const config = await load(path, {
      OPENAI_API_KEY: "sk-from-environment-1",
      HF_API_KEY: "hf_fromoriginalvar1",
    });
    expect(config.providers.map((p) => [p.name, p.apiKey?.reveal(), p.apiKey?.origin])).toEqual([
      ["openai", CANARY, expect.stringContaining("secrets.toml")],
      ["huggingface", "hf_fromoriginalvar1", "HF_API_KEY"],
    ]);
  });

  it("uses the environment alone when there is no secrets file", async () => {
    const config = await load(await writeConfig(), { OPENAI_API_KEY: "sk-from-environment-1" });
    expect(config.secretsFile).toBeUndefined();
    expect(config.providers[0]?.apiKey?.origin).toBe("OPENAI_API_KEY");
  });

  it("names the key of a wrong value without quoting it", async () => {
    const secrets = await writeSecrets(0o600, `[openai]\napi_key = ["${CANARY}"]\n`);
    const error = await configurationError(load(await writeConfig()));
    expect(error.message).toContain(
      `${secrets}: [openai].api_key — must be a string, got an array`,
    );
    expect(error.message).not.toContain(CANARY);
  });

  it("never quotes a line of an unparsable secrets file", async () => {
    const secrets = await writeSecrets(0o600, `[openai]\napi_key = "${CANARY}\n`);
    const error = await configurationError(load(await writeConfig()));
    expect(error.message).toContain(`${secrets}: invalid TOML at line 2`);
    expect(inspect(error, { depth: 10 })).not.toContain(CANARY);
  });

  it("refuses unknown tables and keys", async () => {
    const secrets = await writeSecrets(0o600, `[openai]\napikey = "${CANARY}"\n`);
    const error = await configurationError(load(await writeConfig()));
    expect(error.message).toContain(`${secrets}: [openai].apikey — unknown key`);
  });
});

describe("secrets never print (canary)", () => {
  it("Secret redacts in String, JSON and util.inspect", () => {
    const secret = new Secret(CANARY, "test");
    expect(String(secret)).toBe("[REDACTED]");
    expect(`${secret}`).toBe("[REDACTED]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[REDACTED]"}');
    expect(inspect(secret)).not.toContain(CANARY);
    expect(secret.reveal()).toBe(CANARY);
  });

  it("a loaded configuration, its summary and its errors never hold a key in clear", async () => {
    const path = await sandbox.write(
      join(sandbox.other, "config.toml"),
      '[server]\naddress = "0.0.0.0:9741"\n[providers.openai]\nbase_url = "http://127.0.0.1:9"\n[providers.anthropic]\n',
    );
    await sandbox.write(
      join(sandbox.other, "secrets.toml"),
      `[openai]\napi_key = "${CANARY}"\n[server]\ntoken = "${TOKEN_CANARY}"\n`,
      0o600,
    );
    // Key-shaped but built here: no key literal in the source.
    const env = { ANTHROPIC_API_KEY: ["sk", "ant", "envcanary", "93b1c2d3e4"].join("-") };
    const options = { path, home: sandbox.home, etcDirectory: sandbox.etc, env };
    const config = await loadRatdConfig(options);
    const { summary } = await checkConfig(options);
    for (const text of [inspect(config, { depth: 20 }), JSON.stringify(config), summary]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(TOKEN_CANARY);
      expect(text).not.toContain(env.ANTHROPIC_API_KEY);
    }
    expect(summary).toContain("[openai].api_key");
    expect(summary).toContain("token: set (from");
  });
});
