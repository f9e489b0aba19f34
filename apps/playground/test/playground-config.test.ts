import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PORT,
  DEFAULT_TOKEN_MODELS,
  isLoopbackHost,
  loadPlaygroundConfig,
  PlaygroundConfigError,
} from "../src/playground-config.ts";

function directory(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "playground-config-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe("loadPlaygroundConfig", () => {
  it("defaults to loopback, the default port, no demo, no config file", () => {
    const config = loadPlaygroundConfig({ env: {}, cwd: directory() });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: DEFAULT_PORT,
      demo: false,
      token: undefined,
      configFile: undefined,
      tokenModels: DEFAULT_TOKEN_MODELS,
    });
  });

  it("reads environment variables", () => {
    const config = loadPlaygroundConfig({
      env: {
        PORT: "0",
        RATATOSKR_PLAYGROUND_DEMO: "1",
        RATATOSKR_LOCAL_EMBEDDINGS: "all-MiniLM-L6-v2, bge-small-en-v1.5",
        RATATOSKR_LOCAL_NLI: "nli-deberta-v3-small",
        RATATOSKR_DEVICE: "auto",
        OLLAMA_HOST: "127.0.0.1:11500",
        RATATOSKR_PLAYGROUND_TOKEN_MODELS: "gpt-4o,qwen3-8b",
      },
      cwd: directory(),
    });
    expect(config.port).toBe(0);
    expect(config.demo).toBe(true);
    expect(config.providers?.local).toEqual({
      embeddingModels: ["all-MiniLM-L6-v2", "bge-small-en-v1.5"],
      nliModels: ["nli-deberta-v3-small"],
      device: "auto",
    });
    expect(config.providers?.ollama?.baseURL).toBe("127.0.0.1:11500");
    expect(config.tokenModels).toEqual(["gpt-4o", "qwen3-8b"]);
  });

  it("reads ratatoskr.playground.json from the working directory; the environment wins", () => {
    const cwd = directory({
      "ratatoskr.playground.json": JSON.stringify({
        port: 9000,
        demo: true,
        models: { chat: ["x:y"] },
        providers: { local: { embeddingModels: ["BgeSmallEn"] } },
      }),
    });
    const fromFile = loadPlaygroundConfig({ env: {}, cwd });
    expect(fromFile).toMatchObject({
      port: 9000,
      demo: true,
      models: { chat: ["x:y"] },
      configFile: join(cwd, "ratatoskr.playground.json"),
    });
    expect(fromFile.providers?.local?.embeddingModels).toEqual(["BgeSmallEn"]);
    const overridden = loadPlaygroundConfig({
      env: {
        PORT: "9001",
        RATATOSKR_PLAYGROUND_DEMO: "0",
        RATATOSKR_LOCAL_EMBEDDINGS: "AllMiniLmL6V2",
      },
      cwd,
    });
    expect(overridden).toMatchObject({ port: 9001, demo: false });
    expect(overridden.providers?.local?.embeddingModels).toEqual(["AllMiniLmL6V2"]);
  });

  it("reads the file named by RATATOSKR_PLAYGROUND_CONFIG and reports a missing or broken one", () => {
    const cwd = directory({
      "other.json": '{"tokenModels":["gemma-3-4b-it"]}',
      "broken.json": "{",
      "list.json": "[]",
    });
    expect(
      loadPlaygroundConfig({ env: { RATATOSKR_PLAYGROUND_CONFIG: "other.json" }, cwd }).tokenModels,
    ).toEqual(["gemma-3-4b-it"]);
    expect(() =>
      loadPlaygroundConfig({ env: { RATATOSKR_PLAYGROUND_CONFIG: "missing.json" }, cwd }),
    ).toThrow(/Cannot read the config file/);
    expect(() =>
      loadPlaygroundConfig({ env: { RATATOSKR_PLAYGROUND_CONFIG: "broken.json" }, cwd }),
    ).toThrow(/not valid JSON/);
    expect(() =>
      loadPlaygroundConfig({ env: { RATATOSKR_PLAYGROUND_CONFIG: "list.json" }, cwd }),
    ).toThrow(/JSON object/);
  });

  it("refuses keys in the config file", () => {
    const cwd = directory({
      "ratatoskr.playground.json": JSON.stringify({
        providers: { openai: { apiKey: "sk-test-key-canary-123456" } },
      }),
    });
    const error = (() => {
      try {
        loadPlaygroundConfig({ env: {}, cwd });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(PlaygroundConfigError);
    expect(error?.message).toContain("environment variables only");
    expect(error?.message).not.toContain("canary");
  });

  it("requires a token to bind beyond loopback", () => {
    const cwd = directory();
    expect(() => loadPlaygroundConfig({ env: { HOST: "0.0.0.0" }, cwd })).toThrow(
      /RATATOSKR_PLAYGROUND_TOKEN/,
    );
    expect(() =>
      loadPlaygroundConfig({ env: { HOST: "0.0.0.0", RATATOSKR_PLAYGROUND_TOKEN: "short" }, cwd }),
    ).toThrow(/at least 16/);
    expect(
      loadPlaygroundConfig({
        env: { HOST: "0.0.0.0", RATATOSKR_PLAYGROUND_TOKEN: "a-long-enough-token" },
        cwd,
      }).host,
    ).toBe("0.0.0.0");
    expect(loadPlaygroundConfig({ env: { HOST: "localhost" }, cwd }).host).toBe("localhost");
  });

  it("validates PORT", () => {
    expect(() => loadPlaygroundConfig({ env: { PORT: "http" }, cwd: directory() })).toThrow(/PORT/);
    expect(() => loadPlaygroundConfig({ env: { PORT: "70000" }, cwd: directory() })).toThrow(
      /PORT/,
    );
  });

  it("knows loopback hosts", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].every(isLoopbackHost)).toBe(
      true,
    );
    expect(["0.0.0.0", "192.168.1.2", "example.com", "::"].some(isLoopbackHost)).toBe(false);
  });
});

describe("config file lookup under pnpm", () => {
  it("finds the file where the command was typed (INIT_CWD) before the app's directory", () => {
    const typedIn = directory({ "ratatoskr.playground.json": '{"tokenModels":["qwen3-8b"]}' });
    const app = directory({ "ratatoskr.playground.json": '{"tokenModels":["gpt-4o"]}' });
    expect(loadPlaygroundConfig({ env: { INIT_CWD: typedIn }, cwd: app }).tokenModels).toEqual([
      "qwen3-8b",
    ]);
    expect(loadPlaygroundConfig({ env: { INIT_CWD: directory() }, cwd: app }).tokenModels).toEqual([
      "gpt-4o",
    ]);
    expect(
      loadPlaygroundConfig({
        env: { INIT_CWD: typedIn, RATATOSKR_PLAYGROUND_CONFIG: "ratatoskr.playground.json" },
        cwd: app,
      }).configFile,
    ).toBe(join(typedIn, "ratatoskr.playground.json"));
  });
});

describe("the example config file", () => {
  it("loads as documented in the README", () => {
    const example = fileURLToPath(new URL("../ratatoskr.playground.example.json", import.meta.url));
    const config = loadPlaygroundConfig({
      env: { RATATOSKR_PLAYGROUND_CONFIG: example },
      cwd: directory(),
    });
    expect(config.providers?.openaiCompatible?.map((server) => server.id)).toEqual([
      "lmstudio",
      "together",
    ]);
    expect(config.providers?.local?.embeddingModels).toEqual(["all-MiniLM-L6-v2"]);
    expect(config.tokenModels).toHaveLength(6);
  });
});
