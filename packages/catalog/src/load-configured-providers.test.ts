import { createMockDescriptor, createMockProvider, expectNoSecret } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { loadConfiguredProviders } from "./load-configured-providers.ts";
import { PROVIDER_CATALOG } from "./provider-catalog.ts";

const CANARY = "canary-loader-key-0123456789abcdef";

/** Each catalog package, or missing; descriptors record what they are created with. */
function fakeModules(missing: readonly string[] = [], failing: readonly string[] = []) {
  const created: Record<string, Record<string, unknown>> = {};
  const importModule = async (specifier: string) => {
    const entry = PROVIDER_CATALOG.find((known) => known.packageName === specifier)!;
    if (missing.includes(entry.id)) {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    }
    const descriptor = createMockDescriptor({
      id: entry.id,
      environment: entry.environment,
      capabilities: entry.id === "tokenizers" ? ["countTokens"] : ["chat", "embed"],
    });
    return {
      [entry.descriptorExport]: {
        ...descriptor,
        // Keyless providers say so; keyed ones need their key.
        isConfigured: (env: Readonly<Record<string, string | undefined>>) =>
          entry.environment.apiKey === undefined || Boolean(env[entry.environment.apiKey]),
        create(settings: Record<string, unknown> = {}) {
          if (failing.includes(entry.id)) {
            throw new Error(`cannot start with key ${String(settings.apiKey)}`);
          }
          created[entry.id] = settings;
          return createMockProvider({ id: entry.id });
        },
      },
    };
  };
  return { created, importModule };
}

describe("loadConfiguredProviders", () => {
  it("creates what the environment configures, in catalog order, with the settings it gives", async () => {
    const { created, importModule } = fakeModules();
    const { providers, report } = await loadConfiguredProviders(
      { OPENROUTER_API_KEY: "or-key", OLLAMA_HOST: "http://127.0.0.1:11434" },
      { importModule, settings: { openrouter: { appName: "demo" } } },
    );
    expect(providers.map((loaded) => loaded.provider.id)).toEqual([
      "openrouter",
      "ollama",
      "local",
      "tokenizers",
    ]);
    expect(created.openrouter).toEqual({ apiKey: "or-key", appName: "demo" });
    expect(created.ollama).toEqual({ baseURL: "http://127.0.0.1:11434" });
    expect(report.map((entry) => [entry.id, entry.state])).toEqual([
      ["openrouter", "ready"],
      ["anthropic", "not-configured"],
      ["openai", "not-configured"],
      ["huggingface", "not-configured"],
      ["ollama", "ready"],
      ["local", "ready"],
      ["tokenizers", "ready"],
    ]);
    expect(report[0]!.detail).toBe("ready (from OPENROUTER_API_KEY)");
    expect(report[1]!.detail).toBe("not configured: set ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL");
  });

  it("reports a missing package and a provider that fails to create, without throwing or leaking the key", async () => {
    const { importModule } = fakeModules(["tokenizers"], ["anthropic"]);
    const { providers, report } = await loadConfiguredProviders(
      { ANTHROPIC_API_KEY: CANARY },
      { importModule, only: ["anthropic", "tokenizers"] },
    );
    expect(providers).toEqual([]);
    expect(report.map((entry) => [entry.id, entry.state])).toEqual([
      ["anthropic", "failed"],
      ["tokenizers", "missing-package"],
    ]);
    expect(report[1]!.detail).toBe(
      "@ratatoskr/tokenizers is not installed: pnpm add @ratatoskr/tokenizers",
    );
    expect(report[0]!.detail).toContain("cannot start with key");
    expectNoSecret(new Error(JSON.stringify(report)), CANARY);
  });

  it("never reports a key from the environment, even when the package fails before its descriptor loads", async () => {
    const key = "canary-import-failure-key-7d3e9b1a";
    const importModule = async (specifier: string): Promise<Record<string, unknown>> => {
      throw new Error(`${specifier} crashed while loading with ${key}`);
    };
    const { report } = await loadConfiguredProviders(
      { ANTHROPIC_API_KEY: key },
      { importModule, only: ["anthropic"] },
    );
    expect(report[0]!.state).toBe("failed");
    expect(report[0]!.detail).toContain("crashed while loading");
    expectNoSecret(new Error(JSON.stringify(report)), key);
  });

  it("settings given for an entry configure it even when the environment does not", async () => {
    const { created, importModule } = fakeModules();
    const { providers } = await loadConfiguredProviders(
      {},
      { importModule, only: ["openai"], settings: { openai: { apiKey: "from-settings" } } },
    );
    expect(providers.map((loaded) => loaded.provider.id)).toEqual(["openai"]);
    expect(created.openai).toEqual({ apiKey: "from-settings" });
  });

  it("treats credentials the caller passes like the environment's: redacted in every detail", async () => {
    // Canaries of their own: the redaction registry is per process.
    const fromSettings = "canary-settings-key-5e1f0a9c7d";
    const fromDefaults = "canary-defaults-key-2b8c4e6a1f";
    const { importModule } = fakeModules([], ["openai", "anthropic"]);
    const { report } = await loadConfiguredProviders(
      {},
      {
        importModule,
        only: ["openai", "anthropic"],
        settings: { openai: { apiKey: fromSettings }, anthropic: {} },
        defaults: { anthropic: { apiKey: fromDefaults } },
      },
    );
    expect(report.map((entry) => entry.state)).toEqual(["failed", "failed"]);
    expect(report.map((entry) => entry.detail).join(" ")).toContain("cannot start with key");
    expectNoSecret(new Error(JSON.stringify(report)), fromSettings);
    expectNoSecret(new Error(JSON.stringify(report)), fromDefaults);
  });

  it("defaults apply to a configured provider without configuring one", async () => {
    const { created, importModule } = fakeModules();
    const { providers, report } = await loadConfiguredProviders(
      { OPENROUTER_API_KEY: "or-key" },
      {
        importModule,
        only: ["openrouter", "anthropic"],
        defaults: {
          openrouter: { appName: "demo", apiKey: "overridden by the environment" },
          anthropic: { baseURL: "http://127.0.0.1:1" },
        },
      },
    );
    expect(providers.map((loaded) => loaded.provider.id)).toEqual(["openrouter"]);
    expect(created.openrouter).toEqual({ apiKey: "or-key", appName: "demo" });
    expect(created.anthropic).toBeUndefined();
    expect(report.map((entry) => [entry.id, entry.state])).toEqual([
      ["openrouter", "ready"],
      ["anthropic", "not-configured"],
    ]);
  });

  it("reports the capabilities each descriptor declares, and none for a package that did not load", async () => {
    const { importModule } = fakeModules(["ollama"]);
    const { report } = await loadConfiguredProviders(
      {},
      { importModule, only: ["anthropic", "ollama", "tokenizers"] },
    );
    expect(report.map((entry) => [entry.id, entry.state, entry.capabilities])).toEqual([
      ["anthropic", "not-configured", ["chat", "embed"]],
      ["ollama", "missing-package", []],
      ["tokenizers", "ready", ["countTokens"]],
    ]);
  });
});

describe("loadConfiguredProviders with third-party descriptors", () => {
  const linechat = (create?: (settings: Record<string, unknown>) => void) => {
    const descriptor = createMockDescriptor({
      id: "linechat",
      displayName: "LineChat",
      packageName: "ratatoskr-provider-linechat",
      environment: { apiKey: "LINECHAT_API_KEY" },
      capabilities: ["chat"],
    });
    return {
      ...descriptor,
      create(settings: Record<string, unknown> = {}) {
        create?.(settings);
        return descriptor.create(settings);
      },
    };
  };

  it("creates a configured descriptor after the catalog, with its environment's settings and the caller's", async () => {
    const { importModule } = fakeModules();
    const seen: Record<string, unknown>[] = [];
    const { providers, report } = await loadConfiguredProviders(
      { LINECHAT_API_KEY: "lc-key" },
      {
        importModule,
        only: ["tokenizers", "linechat"],
        descriptors: [linechat((settings) => seen.push(settings))],
        defaults: { linechat: { baseURL: "http://127.0.0.1:9" } },
      },
    );
    expect(providers.map((loaded) => loaded.provider.id)).toEqual(["tokenizers", "linechat"]);
    expect(providers[1]!.entry).toBeUndefined();
    expect(providers[1]!.descriptor.id).toBe("linechat");
    expect(seen).toEqual([{ baseURL: "http://127.0.0.1:9", apiKey: "lc-key" }]);
    expect(report.at(-1)).toEqual({
      id: "linechat",
      displayName: "LineChat",
      packageName: "ratatoskr-provider-linechat",
      state: "ready",
      detail: "ready (from LINECHAT_API_KEY)",
      environment: { apiKey: "LINECHAT_API_KEY" },
      capabilities: ["chat"],
    });
  });

  it("reports an unconfigured descriptor with the variables to set, and creates nothing", async () => {
    let created = 0;
    const { providers, report } = await loadConfiguredProviders(
      {},
      { only: ["linechat"], descriptors: [linechat(() => created++)] },
    );
    expect(providers).toEqual([]);
    expect(created).toBe(0);
    expect(report).toMatchObject([
      { id: "linechat", state: "not-configured", detail: "not configured: set LINECHAT_API_KEY" },
    ]);
  });

  it("does not load a descriptor whose id or alias is already taken, and says by whom", async () => {
    const { importModule } = fakeModules();
    let created = 0;
    const second = { ...linechat(() => created++), aliases: ["lc"] };
    const { providers, report } = await loadConfiguredProviders(
      { LINECHAT_API_KEY: "lc-key" },
      {
        importModule,
        only: ["openai", "linechat"],
        descriptors: [
          { ...linechat(() => created++), id: "openai" },
          linechat(() => created++),
          second,
        ],
      },
    );
    expect(report.map((entry) => [entry.id, entry.state])).toEqual([
      ["openai", "not-configured"],
      ["openai", "failed"],
      ["linechat", "ready"],
      ["linechat", "failed"],
    ]);
    expect(report[1]!.detail).toMatch(/"openai" is already taken by a first-party provider/);
    expect(report[3]!.detail).toMatch(/"linechat" is already taken by an earlier descriptor/);
    expect(providers.map((loaded) => loaded.provider.id)).toEqual(["linechat"]);
    expect(created).toBe(1);
  });

  it("redacts a key the descriptor's create() echoes in its failure", async () => {
    const failing = {
      ...linechat(),
      create(settings: Record<string, unknown> = {}) {
        throw new Error(`refused key ${String(settings.apiKey)}`);
      },
    };
    const { report } = await loadConfiguredProviders(
      { LINECHAT_API_KEY: CANARY },
      { only: ["linechat"], descriptors: [failing] },
    );
    expect(report[0]!.state).toBe("failed");
    expect(report[0]!.detail).toContain("refused key");
    expectNoSecret(report, CANARY);
  });

  it.each([
    ["a string", "linechat"],
    ["an object", { linechat: createMockDescriptor() }],
    ["null", null],
  ])(
    "refuses descriptors that are %s, not an array, with a configuration error",
    async (_what, value) => {
      const error = await loadConfiguredProviders({}, { descriptors: value as never }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: "RatatoskrError", code: "configuration" });
      expect((error as Error).message).toMatch(/descriptors must be an array/);
    },
  );

  it.each([
    [null, /descriptors\[0\] must be a provider descriptor \(ProviderDescriptorV1\), got null/],
    ["linechat", /descriptors\[0\] must be a provider descriptor.*got string/],
    [
      { ...createMockDescriptor(), specificationVersion: "v2" },
      /specificationVersion "v2"; this loader reads "v1"/,
    ],
    [{ ...createMockDescriptor(), id: "" }, /needs a non-empty string id/],
    [{ ...createMockDescriptor(), create: undefined }, /needs a create\(\) function/],
    [{ ...createMockDescriptor(), capabilities: "chat" }, /needs a capabilities array/],
    [{ ...createMockDescriptor(), aliases: "lc" }, /has aliases that are not an array/],
  ])(
    "refuses a malformed descriptor (%#) with a configuration error naming the problem",
    async (value, message) => {
      const error = await loadConfiguredProviders({}, { descriptors: [value as never] }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ name: "RatatoskrError", code: "configuration" });
      expect((error as Error).message).toMatch(message);
    },
  );
});
