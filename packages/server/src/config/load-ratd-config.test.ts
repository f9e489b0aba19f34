import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConfigSandbox, configSandbox, configurationError } from "./config.test-helpers.ts";
import { DEFAULT_LIMITS, loadRatdConfig } from "./index.ts";

let sandbox: ConfigSandbox;
beforeEach(async () => {
  sandbox = await configSandbox();
});
afterEach(() => sandbox.remove());

const load = (options: { path?: string; env?: Record<string, string> } = {}) =>
  loadRatdConfig({ home: sandbox.home, etcDirectory: sandbox.etc, env: {}, ...options });

describe("loadRatdConfig: which file", () => {
  it("uses the defaults when no file exists", async () => {
    const config = await load();
    expect(config.source).toBe("defaults");
    expect(config.file).toBeUndefined();
    expect(config.server).toMatchObject({
      address: "127.0.0.1:9741",
      host: "127.0.0.1",
      port: 9741,
      loopback: true,
    });
    expect(config.server.token).toBeUndefined();
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.limits.maxConcurrentRequests).toBe(100);
    expect(config.limits.requestTimeoutSeconds).toBe(30);
    expect(config.providers).toEqual([]);
    expect(config.discovery).toEqual({ enabled: true, ttlHours: 24, maxEntries: 1000 });
  });

  it("reads ~/.ratatoskr/config.toml before /etc/ratatoskr/config.toml", async () => {
    await sandbox.write(join(sandbox.etc, "config.toml"), '[server]\naddress = "127.0.0.1:1"\n');
    expect((await load()).server.port).toBe(1);
    const user = await sandbox.write(
      join(sandbox.user, "config.toml"),
      '[server]\naddress = "127.0.0.1:2"\n',
    );
    const config = await load();
    expect(config.file).toBe(user);
    expect(config.source).toBe("file");
    expect(config.server.port).toBe(2);
  });

  it("lets --config win over both", async () => {
    await sandbox.write(join(sandbox.user, "config.toml"), '[server]\naddress = "127.0.0.1:2"\n');
    const path = await sandbox.write(
      join(sandbox.other, "ratd.toml"),
      '[server]\naddress = "127.0.0.1:3"\n',
    );
    const config = await load({ path });
    expect(config.file).toBe(path);
    expect(config.server.port).toBe(3);
  });

  it("refuses a --config path that does not exist, naming it", async () => {
    const path = join(sandbox.other, "missing.toml");
    const error = await configurationError(load({ path }));
    expect(error.message).toContain(path);
    expect(error.message).toContain("not found");
  });
});

describe("loadRatdConfig: sections", () => {
  const write = (text: string) => sandbox.write(join(sandbox.other, "config.toml"), text);

  it("reads [server], [server.tls], [limits], [routing], [discovery] and [registry]", async () => {
    const cert = await sandbox.write(join(sandbox.other, "cert.pem"), "cert");
    const key = await sandbox.write(join(sandbox.other, "key.pem"), "key", 0o600);
    const path = await write(`
[server]
address = "[::1]:9000"
[server.tls]
cert_file = "${cert}"
key_file = "${key}"

[limits]
max_concurrent_requests = 50
max_concurrent_requests_per_client = 5
request_timeout_secs = 0
max_request_bytes = 2048
max_message_bytes = 4096
shutdown_grace_secs = 7

[providers.ollama]
base_url = "http://127.0.0.1:1"
[providers.openrouter]
default_model = "anthropic/claude-sonnet-4"
app_name = "ratd"

[routing]
chat = "ollama"
parameter_validation = "error"
[routing.fallbacks]
chat = ["openrouter:openai/gpt-4o-mini"]
[routing.presets.premium]
chat = "openrouter:anthropic/claude-sonnet-4"

[discovery]
enabled = false
ttl_hours = 12
max_entries = 500

[registry]
remote_url = "https://example.com/registry.json"
`);
    const config = await load({ path, env: { OPENROUTER_API_KEY: "sk-or-fake-key-for-tests-01" } });
    expect(config.server).toMatchObject({
      address: "[::1]:9000",
      host: "::1",
      port: 9000,
      loopback: true,
      tls: { certFile: cert, keyFile: key },
    });
    expect(config.limits).toEqual({
      maxConcurrentRequests: 50,
      maxConcurrentRequestsPerClient: 5,
      requestTimeoutSeconds: 0,
      maxRequestBytes: 2048,
      maxMessageBytes: 4096,
      shutdownGraceSeconds: 7,
    });
    expect(config.providers.map((p) => p.name)).toEqual(["openrouter", "ollama"]);
    expect(config.providers[0]).toMatchObject({
      id: "openrouter",
      defaultModel: "anthropic/claude-sonnet-4",
      settings: { appName: "ratd" },
    });
    expect(config.providers[0]?.apiKey?.origin).toBe("OPENROUTER_API_KEY");
    expect(config.providers[1]?.settings).toEqual({ baseURL: "http://127.0.0.1:1" });
    expect(config.routing).toEqual({
      preferred: { chat: "ollama" },
      fallbacks: { chat: ["openrouter:openai/gpt-4o-mini"] },
      presets: { premium: { chat: "openrouter:anthropic/claude-sonnet-4" } },
      parameterValidation: "error",
    });
    expect(config.discovery).toEqual({ enabled: false, ttlHours: 12, maxEntries: 500 });
    expect(config.registry).toEqual({
      remoteUrl: "https://example.com/registry.json",
      cachePath: undefined,
    });
  });

  it("reads the original's [server.limits] too, and [providers.local] with its defaults", async () => {
    const path = await write(`
[server.limits]
max_concurrent_requests = 7
request_timeout_secs = 60
[providers.local]
models_dir = "/opt/models"
ram_budget_mb = 2
[providers.ollama]
`);
    const config = await load({ path });
    expect(config.limits.maxConcurrentRequests).toBe(7);
    expect(config.limits.requestTimeoutSeconds).toBe(60);
    expect(config.providers.map((p) => [p.name, p.settings])).toEqual([
      ["ollama", { baseURL: "http://localhost:11434" }],
      ["local", { device: "cpu", cacheDir: "/opt/models", memoryBudgetBytes: 2 * 1024 * 1024 }],
    ]);
  });

  it("needs a token to listen beyond loopback", async () => {
    const path = await write('[server]\naddress = "0.0.0.0:9741"\n');
    const error = await configurationError(load({ path }));
    expect(error.message).toContain(path);
    expect(error.message).toContain("[server].address");
    expect(error.message).toContain("RATD_TOKEN");
    const config = await load({ path, env: { RATD_TOKEN: "a-long-enough-token" } });
    expect(config.server.loopback).toBe(false);
    expect(config.server.token?.reveal()).toBe("a-long-enough-token");
  });
});

describe("loadRatdConfig: errors name the file, the key and the problem", () => {
  const write = (text: string) => sandbox.write(join(sandbox.other, "config.toml"), text);
  const cases: ReadonlyArray<readonly [string, string, string, string]> = [
    [
      "wrong type",
      '[limits]\nmax_concurrent_requests = "ten"\n',
      "[limits].max_concurrent_requests",
      'must be an integer from 1 to 1000000, got a string "ten"',
    ],
    [
      "out of range",
      "[limits]\nmax_concurrent_requests = 0\n",
      "[limits].max_concurrent_requests",
      "got 0",
    ],
    [
      "float",
      "[limits]\nrequest_timeout_secs = 1.5\n",
      "[limits].request_timeout_secs",
      "got a float",
    ],
    [
      "unknown key",
      "[limits]\nmax_concurent_requests = 5\n",
      "[limits].max_concurent_requests",
      "unknown key; known keys here: max_concurrent_requests",
    ],
    ["unknown section", "[limit]\nx = 1\n", "[limit]", "unknown key"],
    [
      "unknown provider",
      "[providers.openrouterr]\n",
      "[providers].openrouterr",
      "unknown provider",
    ],
    ["unsupported provider", "[providers.google]\n", "[providers].google", "no Google provider"],
    [
      "unknown provider key",
      '[providers.ollama]\nbaseurl = "x"\n',
      "[providers.ollama].baseurl",
      "unknown key",
    ],
    [
      "bad URL",
      '[providers.ollama]\nbase_url = "not a url"\n',
      "[providers.ollama].base_url",
      "must be a URL",
    ],
    ["bad address", '[server]\naddress = "9741"\n', "[server].address", 'must be "host:port"'],
    [
      "port out of range",
      '[server]\naddress = "127.0.0.1:70000"\n',
      "[server].address",
      "port 0 to 65535",
    ],
    ["token in config", '[server]\ntoken = "abcdefgh"\n', "[server].token", "secrets.toml"],
    [
      "api key in config",
      '[providers.ollama]\napi_key = "abcdefgh"\n',
      "[providers.ollama].api_key",
      "secrets.toml",
    ],
    ["missing key", "[providers.anthropic]\n", "[providers.anthropic]", "needs an API key"],
    [
      "unconfigured routing target",
      '[providers.ollama]\n[routing]\nchat = "anthropic"\n',
      "[routing].chat",
      "configured: ollama",
    ],
    [
      "bad policy",
      '[routing]\nparameter_validation = "loud"\n',
      "[routing].parameter_validation",
      'one of "warn"',
    ],
    ["tls half", '[server.tls]\ncert_file = "/x"\n', "[server.tls].key_file", "needs both"],
    [
      "tls missing file",
      '[server.tls]\ncert_file = "/nonexistent/c"\nkey_file = "/nonexistent/k"\n',
      "[server.tls].cert_file",
      "does not exist",
    ],
    [
      "limit in both tables",
      "[limits]\nmax_concurrent_requests = 5\n[server.limits]\nmax_concurrent_requests = 6\n",
      "[limits].max_concurrent_requests",
      "also set in [server.limits]",
    ],
    [
      "per client over global",
      "[limits]\nmax_concurrent_requests = 5\nmax_concurrent_requests_per_client = 6\n",
      "[limits].max_concurrent_requests_per_client",
      "must not exceed",
    ],
    ["section not a table", "limits = 5\n", "[limits]", "must be a table"],
  ];
  it.each(cases)("%s", async (_name, text, key, problem) => {
    const path = await write(text);
    const error = await configurationError(load({ path }));
    expect(error.message).toContain(`${path}: ${key} — `);
    expect(error.message).toContain(problem);
    expect(error.details).toMatchObject({ file: path, key });
  });

  it("gives the line and column of a TOML syntax error", async () => {
    const path = await write('[server]\naddress = "127.0.0.1:9741"\nport = = 3\n');
    const error = await configurationError(load({ path }));
    expect(error.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: invalid TOML at line 3, column \\d+: `,
      ),
    );
  });
});
