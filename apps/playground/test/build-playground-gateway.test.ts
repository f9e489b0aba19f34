import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultImporter, type ModuleImporter, PROVIDER_CATALOG } from "@ratatoskr/catalog";
import { createMockDescriptor, createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { buildPlaygroundGateway } from "../src/build-playground-gateway.ts";
import { loadPlaygroundConfig, type PlaygroundConfig } from "../src/playground-config.ts";

const CANARY = "test-key-canary-123456";

/** No keys, no Ollama probe and no cache detection unless a test asks for them. */
function config(
  env: Record<string, string> = {},
  providers: PlaygroundConfig["providers"] = {},
): PlaygroundConfig {
  const base = loadPlaygroundConfig({ env, cwd: "/nonexistent" });
  return {
    ...base,
    providers: {
      ...base.providers,
      ollama: { probe: false, ...base.providers?.ollama },
      local: { detectCached: false, defaultModels: false, ...base.providers?.local },
      ...providers,
    },
  };
}

const state = (setup: Array<{ id: string; state: string }>, id: string) =>
  setup.find((provider) => provider.id === id)?.state;

describe("buildPlaygroundGateway", () => {
  it("registers the cloud providers whose keys are set, and only those, without network", async () => {
    const built = await buildPlaygroundGateway(
      config({ OPENROUTER_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY }),
    );
    expect(built.gateway.providers().map((provider) => provider.id)).toEqual([
      "openrouter",
      "anthropic",
      "tokenizers",
    ]);
    expect(state(built.setup, "openai")).toBe("not-configured");
    expect(built.gateway.route("chat", "anthropic/claude-sonnet-4").provider).toBe("openrouter");
    expect(built.gateway.route("chat", "claude-sonnet-4-5").provider).toBe("anthropic");
    expect(built.gateway.route("countTokens", "claude-sonnet-4-5").provider).toBe("anthropic");
    expect(built.gateway.route("countTokens", "gpt-4o").provider).toBe("tokenizers");
    expect(JSON.stringify(built.setup)).not.toContain(CANARY);
  });

  it("puts caller providers first and the demo provider last", async () => {
    const mock = createMockProvider({ id: "mock", capabilities: ["chat"] });
    const built = await buildPlaygroundGateway(config({ RATATOSKR_PLAYGROUND_DEMO: "1" }), {
      providers: [{ provider: mock }],
    });
    expect(built.gateway.providers().map((provider) => provider.id)).toEqual([
      "mock",
      "tokenizers",
      "demo",
    ]);
    expect(built.gateway.route("chat", "anything").provider).toBe("mock");
    expect(built.gateway.route("embed", "anything").provider).toBe("demo");
  });

  it("reports a provider package that is not installed, naming it", async () => {
    const importModule: ModuleImporter = async (name) => {
      if (name === "@ratatoskr/provider-openrouter") {
        throw Object.assign(new Error(`Cannot find package '${name}' imported from x`), {
          code: "ERR_MODULE_NOT_FOUND",
        });
      }
      if (name === "@ratatoskr/provider-anthropic") throw new Error(`boom with ${CANARY}`);
      return defaultImporter(name);
    };
    const built = await buildPlaygroundGateway(
      config({ OPENROUTER_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY }),
      { importModule },
    );
    const openrouter = built.setup.find((provider) => provider.id === "openrouter")!;
    expect(openrouter.state).toBe("missing-package");
    expect(openrouter.detail).toBe(
      "@ratatoskr/provider-openrouter is not installed: pnpm add @ratatoskr/provider-openrouter",
    );
    expect(state(built.setup, "anthropic")).toBe("failed");
    // The failure's message reaches the browser through /api/status: the key must not.
    expect(JSON.stringify(built.setup)).not.toContain(CANARY);
    expect(built.gateway.providers().map((provider) => provider.id)).toEqual(["tokenizers"]);
  });

  it("still builds a gateway when no provider package can be imported at all", async () => {
    const importModule: ModuleImporter = async (name) => {
      throw Object.assign(new Error(`Cannot find package '${name}' imported from x`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    };
    const built = await buildPlaygroundGateway(config(), { importModule });
    expect(built.gateway.providers()).toEqual([]);
    expect(state(built.setup, "tokenizers")).toBe("missing-package");
    // Every capability is missing, so every page can say what to configure.
    expect(Object.values(built.gateway.capabilities().providers).flat()).toEqual([]);
    const decision = built.gateway.route("countTokens", "gpt-4o");
    expect(decision.provider).toBeUndefined();
    await expect(built.gateway.countTokens("hello", "gpt-4o")).rejects.toMatchObject({
      code: "not_implemented",
    });
  });

  it("detects a running Ollama and lists its models, chat and embedding apart", async () => {
    const requested: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      requested.push(String(input));
      return new Response(
        JSON.stringify({
          models: [{ name: "llama3.2:latest" }, { name: "nomic-embed-text:latest" }],
        }),
        {
          headers: { "content-type": "application/json" },
        },
      );
    };
    const built = await buildPlaygroundGateway(config({}, { ollama: {} }), { fetch });
    expect(requested).toEqual(["http://localhost:11434/api/tags"]);
    const ollama = built.setup.find((provider) => provider.id === "ollama")!;
    expect(ollama.state).toBe("ready");
    expect(ollama.models).toEqual({
      chat: ["ollama:llama3.2:latest"],
      embed: ["ollama:nomic-embed-text:latest"],
    });
    expect(ollama.detail).toContain("2 models installed");
  });

  it("leaves Ollama out when nothing answers, and says where it looked", async () => {
    const fetch: typeof globalThis.fetch = async () => {
      throw new TypeError("fetch failed");
    };
    const built = await buildPlaygroundGateway(config({}, { ollama: {} }), { fetch });
    const ollama = built.setup.find((provider) => provider.id === "ollama")!;
    expect(ollama.state).toBe("not-configured");
    expect(ollama.detail).toBe("no Ollama server answered at http://localhost:11434");
  });

  it("registers Ollama when OLLAMA_HOST is set even if it does not answer yet", async () => {
    const fetch: typeof globalThis.fetch = async () => new Response("no", { status: 502 });
    const built = await buildPlaygroundGateway(config({ OLLAMA_HOST: "127.0.0.1:11999" }), {
      fetch,
    });
    const ollama = built.setup.find((provider) => provider.id === "ollama")!;
    expect(ollama.state).toBe("ready");
    expect(ollama.detail).toBe("at http://127.0.0.1:11999 (not answering right now)");
  });

  it("finds local model presets already in the cache", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "playground-cache-"));
    const snapshot = join(cacheDir, "models--Qdrant--all-MiniLM-L6-v2-onnx", "snapshots", "main");
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(join(snapshot, "model.onnx"), "not really a model");
    writeFileSync(join(snapshot, "tokenizer.json"), "{}");
    const built = await buildPlaygroundGateway(
      config({}, { local: { cacheDir, defaultModels: false } }),
    );
    const local = built.setup.find((provider) => provider.id === "local")!;
    expect(local.state).toBe("ready");
    expect(local.models.embed).toEqual(["local:all-MiniLM-L6-v2"]);
    expect(built.gateway.route("embed", "local:all-MiniLM-L6-v2").provider).toBe("local");

    const empty = mkdtempSync(join(tmpdir(), "playground-cache-"));
    const none = await buildPlaygroundGateway(
      config({}, { local: { cacheDir: empty, defaultModels: false } }),
    );
    expect(none.setup.find((provider) => provider.id === "local")).toMatchObject({
      state: "not-configured",
      detail: "no local model configured, and none in the model cache",
    });
  });

  it("loads the catalog's providers through loadConfiguredProviders: what the keys configure, config-file settings, the demo last", async () => {
    // Mock descriptors in place of the provider packages; each records its settings.
    const created: Record<string, Record<string, unknown>> = {};
    const importModule: ModuleImporter = async (specifier) => {
      const entry = PROVIDER_CATALOG.find((known) => known.packageName === specifier);
      if (entry === undefined) throw new Error(`unexpected import of ${specifier}`);
      const descriptor = createMockDescriptor({
        id: entry.id,
        capabilities: entry.id === "tokenizers" ? ["countTokens"] : ["chat"],
      });
      return {
        [entry.descriptorExport]: {
          ...descriptor,
          environment: entry.environment,
          isConfigured: (env: Readonly<Record<string, string | undefined>>) =>
            entry.environment.apiKey === undefined || Boolean(env[entry.environment.apiKey]),
          create(settings: Record<string, unknown> = {}) {
            created[entry.id] = settings;
            return descriptor.create({});
          },
        },
      };
    };
    const built = await buildPlaygroundGateway(
      config(
        { OPENROUTER_API_KEY: CANARY, RATATOSKR_PLAYGROUND_DEMO: "1" },
        { anthropic: { baseURL: "http://127.0.0.1:9" }, openai: { enabled: false } },
      ),
      { importModule },
    );
    expect(built.gateway.providers().map((provider) => provider.id)).toEqual([
      "openrouter",
      "tokenizers",
      "demo",
    ]);
    expect(created.openrouter).toEqual({ apiKey: CANARY, appName: "Ratatoskr playground" });
    // A config-file base URL alone does not switch a provider on.
    expect(created.anthropic).toBeUndefined();
    expect(
      built.setup.map(({ id, state, capabilities }) => [id, state, capabilities.join(",")]),
    ).toEqual([
      ["openrouter", "ready", "chat"],
      ["anthropic", "not-configured", "chat"],
      ["openai", "not-configured", ""],
      ["huggingface", "not-configured", "chat"],
      ["ollama", "not-configured", ""],
      ["local", "not-configured", ""],
      ["tokenizers", "ready", "countTokens"],
      ["demo", "ready", "chat,embed,nli,classify,countTokens"],
    ]);
    expect(built.setup.find((provider) => provider.id === "openai")?.detail).toBe(
      "disabled in the config file",
    );
    expect(built.setup[0]!.models.chat).toContain("anthropic/claude-sonnet-4");
    expect(built.gateway.route("embed", "anything").provider).toBe("demo");
    expect(JSON.stringify(built.setup)).not.toContain(CANARY);
  });

  it("with no keys and no packages, the demo alone answers every page (first run)", async () => {
    const importModule: ModuleImporter = async (name) => {
      throw Object.assign(new Error(`Cannot find package '${name}' imported from x`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    };
    const built = await buildPlaygroundGateway(config({ RATATOSKR_PLAYGROUND_DEMO: "1" }), {
      importModule,
    });
    expect(built.gateway.providers().map((provider) => provider.id)).toEqual(["demo"]);
    for (const capability of ["chat", "embed", "nli", "classify", "countTokens"] as const) {
      expect(built.gateway.route(capability, "demo:anything").provider).toBe("demo");
    }
    const answer = await built.gateway.chat([{ role: "user", content: "hello" }], {
      model: "demo:scripted-squirrel",
    });
    expect(answer.provider).toBe("demo");
    expect(answer.content).toContain("scripted stand-in");
  });
});
