import { PROVIDER_CATALOG } from "@ratatoskr/catalog";
import { RatatoskrError } from "@ratatoskr/core";
import { createMockDescriptor, createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { hello } from "./test-helpers.ts";

/**
 * A fake module system: each catalog package exports a (mock) descriptor
 * whose `create` records the settings it got.
 */
function fakeModules() {
  const created: Array<{ packageName: string; settings: Record<string, unknown> }> = [];
  const imported: string[] = [];
  const importModule = async (specifier: string) => {
    imported.push(specifier);
    const entry = PROVIDER_CATALOG.find((known) => known.packageName === specifier);
    if (entry === undefined) {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    }
    const descriptor = createMockDescriptor({ id: entry.id, packageName: specifier });
    return {
      [entry.descriptorExport]: {
        ...descriptor,
        create(settings: Record<string, unknown> = {}) {
          created.push({ packageName: specifier, settings });
          return createMockProvider({ id: entry.id, aliases: [...entry.aliases] });
        },
      },
    };
  };
  return { created, imported, importModule };
}

describe("Ratatoskr.builder()", () => {
  it("build() with nothing configured fails with no_provider, naming the shorthands", async () => {
    const error = await Ratatoskr.builder()
      .build()
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "no_provider")).toBe(true);
    expect((error as Error).message).toContain(".openrouter()");
  });

  it("creates every shorthand's provider from its package's descriptor, in registration order", async () => {
    const { created, importModule } = fakeModules();
    const gateway = await Ratatoskr.builder({ importModule })
      .openrouter("or-key-123456", { appName: "demo" })
      .anthropic()
      .openai("oa-key-123456")
      .ollama("http://127.0.0.1:11434")
      .huggingface("hf-token")
      .localEmbeddings("all-MiniLM-L6-v2")
      .localNli("nli-deberta-v3-small")
      .device("cuda:0")
      .cacheDir("/tmp/ratatoskr-cache")
      .tokenizerMapping("my-model", "dir:/models/my")
      .timeout(5_000)
      .build();
    expect(gateway.providers().map((provider) => provider.id)).toEqual([
      "openrouter",
      "anthropic",
      "openai",
      "ollama",
      "huggingface",
      "local",
      "tokenizers",
    ]);
    expect(created).toEqual([
      {
        packageName: "@ratatoskr/provider-openrouter",
        settings: { appName: "demo", apiKey: "or-key-123456" },
      },
      { packageName: "@ratatoskr/provider-anthropic", settings: {} },
      { packageName: "@ratatoskr/provider-openai-compat", settings: { apiKey: "oa-key-123456" } },
      {
        packageName: "@ratatoskr/provider-ollama",
        settings: { baseURL: "http://127.0.0.1:11434" },
      },
      { packageName: "@ratatoskr/provider-huggingface", settings: { apiKey: "hf-token" } },
      {
        packageName: "@ratatoskr/provider-local-onnx",
        settings: {
          embeddingModels: ["all-MiniLM-L6-v2"],
          nliModels: ["nli-deberta-v3-small"],
          device: "cuda:0",
          cacheDir: "/tmp/ratatoskr-cache",
        },
      },
      {
        packageName: "@ratatoskr/tokenizers",
        settings: {
          cacheDir: "/tmp/ratatoskr-cache",
          mappings: [{ pattern: "my-model", source: "dir:/models/my" }],
        },
      },
    ]);
  });

  it("a shorthand called twice registers once, where first called, with both calls' settings", async () => {
    const { created, importModule } = fakeModules();
    const gateway = await Ratatoskr.builder({ importModule })
      .ollama()
      .openai("key-one")
      .ollama(undefined, { keepAlive: "5m" })
      .build();
    expect(gateway.providers().map((provider) => provider.id)).toEqual(["ollama", "openai"]);
    expect(created[0]).toEqual({
      packageName: "@ratatoskr/provider-ollama",
      settings: { keepAlive: "5m" },
    });
  });

  it("loads a shorthand's package only at build(), and only the ones used", async () => {
    const { imported, importModule } = fakeModules();
    const builder = Ratatoskr.builder({ importModule }).ollama().device("cpu");
    expect(imported).toHaveLength(0);
    await builder.build();
    expect(imported).toEqual(["@ratatoskr/provider-ollama"]);
  });

  it("a shorthand whose package is missing fails naming the package to install", async () => {
    const { importModule } = fakeModules();
    const missing = async (specifier: string) =>
      specifier === "@ratatoskr/provider-openrouter"
        ? Promise.reject(
            Object.assign(new Error(`Cannot find package '${specifier}' imported from /app`), {
              code: "ERR_MODULE_NOT_FOUND",
            }),
          )
        : importModule(specifier);
    const error = await Ratatoskr.builder({ importModule: missing })
      .ollama()
      .openrouter("key-123456789")
      .build()
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as RatatoskrError).message).toContain(
      "The openrouter() shorthand needs the package @ratatoskr/provider-openrouter",
    );
    expect((error as RatatoskrError).message).toContain("pnpm add @ratatoskr/provider-openrouter");
    expect(JSON.stringify((error as RatatoskrError).toJSON())).not.toContain("key-123456789");
  });

  it("a package without the catalog's descriptor export is a configuration error", async () => {
    const error = await Ratatoskr.builder({ importModule: async () => ({}) })
      .anthropic()
      .build()
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as Error).message).toContain("does not export anthropicDescriptor");
  });

  it("rejects bad device, cacheDir, timeout, strict and tokenizer mappings immediately", () => {
    const builder = Ratatoskr.builder();
    expect(() => builder.device("gpu" as never)).toThrow(/device must be/);
    expect(() => builder.device({ type: "cuda", deviceId: -1 })).toThrow(/device must be/);
    expect(() => builder.cacheDir("")).toThrow(/cacheDir/);
    expect(() => builder.timeout(-1)).toThrow(/timeout/);
    expect(() => builder.tokenizerMapping("", "x")).toThrow(/tokenizerMapping/);
    expect(() => builder.strict("yes" as never)).toThrow(/strict/);
    expect(() => builder.device({ type: "cuda", deviceId: 1 })).not.toThrow();
  });

  it("duplicate provider ids fail at build()", async () => {
    const error = await Ratatoskr.builder()
      .use(createMockProvider({ id: "same" }))
      .use(createMockProvider({ id: "same" }))
      .build()
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
  });

  it("accepts a promise of a provider", async () => {
    const gateway = await Ratatoskr.builder()
      .use(Promise.resolve(createMockProvider({ id: "later" })))
      .build();
    expect(gateway.route("chat", "x").provider).toBe("later");
  });

  it(".use(descriptor, settings) creates the provider at build() and its routing hints apply", async () => {
    const made: unknown[] = [];
    const acme = createMockDescriptor({
      id: "acme",
      capabilities: ["chat"],
      routing: [{ pattern: /^acme-/, priority: 50, reason: "acme-* ids are Acme's" }],
      onCreate: (provider) => made.push(provider.id),
    });
    const builder = Ratatoskr.builder()
      .use(createMockProvider({ id: "general", capabilities: ["chat"] }))
      .use(acme, { dimensions: 4 });
    expect(made).toEqual([]);
    const gateway = await builder.build();
    expect(made).toEqual(["acme"]);
    const route = gateway.route("chat", "acme-large");
    expect(route).toMatchObject({ provider: "acme", rule: "routing-hint" });
    expect(route.explanation).toContain("acme-* ids are Acme's");
    expect(gateway.route("chat", "other").provider).toBe("general");
    expect((await gateway.chat(hello, { model: "acme-large" })).provider).toBe("acme");
  });

  it(".use({descriptor, provider}) registers a provider already created from its descriptor", async () => {
    const descriptor = createMockDescriptor({
      id: "made",
      routing: [{ pattern: /^made-/, priority: 10, reason: "made-* ids" }],
    });
    const provider = createMockProvider({ id: "made" });
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "first" }))
      .use({ descriptor, provider })
      .build();
    expect(gateway.route("chat", "made-1").provider).toBe("made");
    expect(gateway.providers()[1]).toBe(provider);
  });

  it("a prefix naming a catalog provider that is not registered is a miss that says what to add", async () => {
    const gateway = await Ratatoskr.builder()
      .use(createMockProvider({ id: "only" }))
      .build();
    const route = gateway.route("chat", "anthropic:claude-sonnet-4");
    expect(route.provider).toBeUndefined();
    expect(route.explanation).toContain("@ratatoskr/provider-anthropic");
    expect(route.explanation).toContain("not registered");
  });
});

describe("builder.onDispose()", () => {
  it("runs after the providers are released, in order, each even when an earlier one failed", async () => {
    const order: string[] = [];
    const provider = createMockProvider();
    provider.dispose = async () => void order.push("provider");
    const gateway = await Ratatoskr.builder()
      .use(provider)
      .onDispose(() => {
        order.push("first");
        throw new Error("first failed");
      })
      .onDispose(async () => {
        order.push("second");
        throw new Error("second failed");
      })
      .onDispose(() => void order.push("third"))
      .build();
    await expect(gateway.dispose()).rejects.toThrow("first failed");
    expect(order).toEqual(["provider", "first", "second", "third"]);
  });

  it.each([undefined, null, "close", {}])("refuses %s with a configuration error", (release) => {
    const call = () => Ratatoskr.builder().onDispose(release as never);
    expect(call).toThrow(RatatoskrError);
    expect(call).toThrow(/onDispose\(release\) takes a function/);
  });
});
