import { RatatoskrError } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import { Ratatoskr } from "./index.ts";
import { defaultImporter, loadFactory } from "./provider-loader.ts";

/** A fake module system: each package exports a factory recording its settings. */
function fakeModules() {
  const created: Array<{ packageName: string; settings: Record<string, unknown> }> = [];
  const factories: Record<string, [string, string]> = {
    "@ratatoskr/provider-openrouter": ["createOpenRouter", "openrouter"],
    "@ratatoskr/provider-anthropic": ["createAnthropic", "anthropic"],
    "@ratatoskr/provider-openai-compat": ["createOpenAI", "openai"],
    "@ratatoskr/provider-ollama": ["createOllama", "ollama"],
    "@ratatoskr/provider-huggingface": ["createHuggingFace", "huggingface"],
    "@ratatoskr/provider-local-onnx": ["createLocalOnnx", "local"],
    "@ratatoskr/tokenizers": ["createTokenizers", "tokenizers"],
  };
  const importModule = async (specifier: string) => {
    const entry = factories[specifier];
    if (entry === undefined) {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
        code: "ERR_MODULE_NOT_FOUND",
      });
    }
    const [factory, id] = entry;
    return {
      [factory]: (settings: Record<string, unknown>) => {
        created.push({ packageName: specifier, settings });
        return createMockProvider({ id });
      },
    };
  };
  return { created, importModule };
}

describe("Ratatoskr.builder()", () => {
  it("build() with nothing configured fails with no_provider", async () => {
    await expect(Ratatoskr.builder().build()).rejects.toSatisfy((error: unknown) =>
      RatatoskrError.isInstance(error, "no_provider"),
    );
  });

  it("maps every shorthand to its package's factory, in registration order", async () => {
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
    expect(gateway.providers().map((plugin) => plugin.id)).toEqual([
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
          mappings: [{ pattern: "my-model", source: "dir:/models/my" }],
          cacheDir: "/tmp/ratatoskr-cache",
        },
      },
    ]);
  });

  it("loads a shorthand's package only at build(), and only the ones used", async () => {
    const { created, importModule } = fakeModules();
    const builder = Ratatoskr.builder({ importModule }).ollama();
    expect(created).toHaveLength(0);
    await builder.build();
    expect(created.map((entry) => entry.packageName)).toEqual(["@ratatoskr/provider-ollama"]);
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
    expect((error as RatatoskrError).message).toContain("pnpm add @ratatoskr/provider-openrouter");
    expect(JSON.stringify((error as RatatoskrError).toJSON())).not.toContain("key-123456789");
  });

  it("the default importer really fails for an uninstalled package, and loadFactory names it", async () => {
    const error = await loadFactory(
      defaultImporter,
      "example",
      "@ratatoskr/provider-not-installed",
      "create",
    ).catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as RatatoskrError).message).toContain(
      "pnpm add @ratatoskr/provider-not-installed",
    );
    expect((error as RatatoskrError).details).toEqual({
      package: "@ratatoskr/provider-not-installed",
    });
  });

  it("a package that fails to load for another reason is reported as such, not as missing", async () => {
    const error = await loadFactory(
      async () => {
        throw new SyntaxError("Unexpected token");
      },
      "example",
      "@ratatoskr/x",
      "create",
    ).catch((caught: unknown) => caught);
    expect((error as RatatoskrError).message).toContain(
      "Loading @ratatoskr/x for example() failed: Unexpected token",
    );
  });

  it("a package without the expected factory is a configuration error", async () => {
    const error = await Ratatoskr.builder({ importModule: async () => ({}) })
      .anthropic()
      .build()
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as Error).message).toContain("does not export createAnthropic()");
  });

  it("rejects bad device, cacheDir, timeout and tokenizer mappings immediately", () => {
    const builder = Ratatoskr.builder();
    expect(() => builder.device("gpu" as never)).toThrow(/device must be/);
    expect(() => builder.device({ type: "cuda", deviceId: -1 })).toThrow(/device must be/);
    expect(() => builder.cacheDir("")).toThrow(/cacheDir/);
    expect(() => builder.timeout(-1)).toThrow(/timeout/);
    expect(() => builder.tokenizerMapping("", "x")).toThrow(/tokenizerMapping/);
    expect(() => builder.device({ type: "cuda", deviceId: 1 })).not.toThrow();
  });

  it("rejects routing rules of the wrong shape as configuration, not a TypeError at call time", () => {
    for (const rules of ["claude → anthropic", [{ name: "x", provider: "p" }], [null]]) {
      expect(() => Ratatoskr.builder().routingRules(rules as never)).toThrow(
        expect.objectContaining({
          code: "configuration",
          message: expect.stringContaining("routingRules"),
        }),
      );
    }
  });

  it("duplicate provider ids fail at build()", async () => {
    const error = await Ratatoskr.builder()
      .use(createMockProvider({ id: "same" }))
      .use(createMockProvider({ id: "same" }))
      .build()
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
  });

  it("accepts a promise of a plugin", async () => {
    const gateway = await Ratatoskr.builder()
      .use(Promise.resolve(createMockProvider({ id: "later" })))
      .build();
    expect(gateway.route("chat", "x").provider).toBe("later");
  });
});
