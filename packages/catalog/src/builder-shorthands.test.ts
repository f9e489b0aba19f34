import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { BUILDER_SHORTHANDS, type CatalogShorthands } from "./builder-shorthands.ts";
import { PROVIDER_CATALOG } from "./provider-catalog.ts";

/** The typed interface's methods (the compiler checks this record is complete). */
const TYPED: Record<keyof CatalogShorthands<unknown>, true> = {
  openrouter: true,
  anthropic: true,
  openai: true,
  ollama: true,
  huggingface: true,
  local: true,
  localEmbeddings: true,
  localNli: true,
  localGeneration: true,
  device: true,
  cacheDir: true,
  tokenizers: true,
  tokenizerMapping: true,
};

const shorthand = (method: string) => BUILDER_SHORTHANDS.find((row) => row.method === method)!;

describe("the builder shorthands", () => {
  it("the runtime table and the typed interface list the same methods", () => {
    expect(BUILDER_SHORTHANDS.map((row) => row.method).sort()).toEqual(Object.keys(TYPED).sort());
  });

  it("every row configures catalog providers, and every catalog provider has its shorthand", () => {
    const ids = new Set(PROVIDER_CATALOG.map((entry) => entry.id));
    for (const row of BUILDER_SHORTHANDS) {
      for (const provider of row.providers) expect(ids.has(provider)).toBe(true);
    }
    for (const entry of PROVIDER_CATALOG) {
      expect(shorthand(entry.shorthand).providers[0]).toBe(entry.id);
    }
  });

  it("fold their arguments into the provider's settings", () => {
    expect(shorthand("openrouter").apply({}, ["key", { appName: "a" }])).toEqual({
      appName: "a",
      apiKey: "key",
    });
    expect(shorthand("openrouter").apply({ appName: "a" }, [])).toEqual({ appName: "a" });
    expect(shorthand("ollama").apply({}, ["http://127.0.0.1:11434"])).toEqual({
      baseURL: "http://127.0.0.1:11434",
    });
    const local = shorthand("localNli").apply(shorthand("localEmbeddings").apply({}, ["e"]), ["n"]);
    expect(shorthand("device").apply(local, ["cuda:1"])).toEqual({
      embeddingModels: ["e"],
      nliModels: ["n"],
      device: "cuda:1",
    });
    expect(
      shorthand("tokenizerMapping").apply({ mappings: [{ pattern: "a", source: "b" }] }, [
        "c",
        "d",
      ]),
    ).toEqual({
      mappings: [
        { pattern: "a", source: "b" },
        { pattern: "c", source: "d" },
      ],
    });
  });

  it.each([
    ["device", ["gpu"]],
    ["device", [{ type: "cuda", deviceId: -1 }]],
    ["cacheDir", [" "]],
    ["tokenizerMapping", ["", "x"]],
    ["openrouter", [42]],
    ["openrouter", ["key", "settings"]],
    ["localEmbeddings", [7]],
  ])("%s(%j) is a configuration error", (method, args) => {
    let thrown: unknown;
    try {
      shorthand(method).apply({}, args);
    } catch (error) {
      thrown = error;
    }
    expect(RatatoskrError.isInstance(thrown, "configuration")).toBe(true);
  });
});
