import { readFileSync } from "node:fs";
import { RatatoskrError } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { MODEL_CAPABILITIES } from "./model-metadata.ts";
import { ModelRegistry } from "./model-registry.ts";
import { PRESET_CAPABILITIES, PRESET_TIERS } from "./preset-uri.ts";
import { shippedRegistry } from "./shipped-registry.ts";

/** A registry document in the Rust Ratatoskr's format (every availability kind, every preset parameter). */
const RUST_DOCUMENT = JSON.parse(
  readFileSync(new URL("./__fixtures__/rust-registry-v1.json", import.meta.url), "utf8"),
);

function model(id: string, extra: Record<string, unknown> = {}) {
  return {
    info: { id, provider: "openrouter", capabilities: ["Chat"], context_window: 1000 },
    parameters: {},
    ...extra,
  };
}

function failure(document: unknown): RatatoskrError {
  try {
    ModelRegistry.fromPayload(document);
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error;
    throw new Error(`expected a RatatoskrError, got ${String(error)}`);
  }
  throw new Error("expected the document to be refused");
}

describe("the shipped registry", () => {
  const registry = shippedRegistry();

  it("reads without warnings, at format version 1", () => {
    expect(registry.version).toBe(1);
    expect(registry.warnings).toEqual([]);
    expect(registry.size).toBeGreaterThanOrEqual(29);
  });

  it("has every standard preset, each naming a model it holds", () => {
    for (const tier of PRESET_TIERS) {
      for (const capability of PRESET_CAPABILITIES) {
        const preset = registry.preset(tier, capability);
        expect(preset, `${tier}/${capability}`).toBeDefined();
        expect(registry.has(preset!.model), preset!.model).toBe(true);
      }
    }
  });

  it("keeps the Rust seed's facts (ids, context windows, prices, output limits)", () => {
    expect(registry.get("anthropic/claude-sonnet-4.6")).toMatchObject({
      info: { provider: "openrouter", context_window: 1_000_000 },
      pricing: { prompt_cost_per_mtok: 3, completion_cost_per_mtok: 15 },
      max_output_tokens: 128_000,
    });
    expect(registry.get("z-ai/glm-5")?.pricing).toEqual({
      prompt_cost_per_mtok: 0.3,
      completion_cost_per_mtok: 2.55,
    });
    expect(registry.get("sentence-transformers/all-MiniLM-L6-v2")?.info).toMatchObject({
      capabilities: ["Embed"],
      dimensions: 384,
      context_window: 512,
    });
  });

  it("marks chat models that take tools with ToolUse, and only those", () => {
    for (const record of registry.list({ capability: "Chat" })) {
      expect(record.info.capabilities.includes("ToolUse"), record.info.id).toBe(
        "tools" in record.parameters,
      );
    }
  });
});

describe("reading a registry document", () => {
  it("reads the Rust format: every availability kind, optional fields, object and bare presets", () => {
    const registry = ModelRegistry.fromPayload(RUST_DOCUMENT);
    const sonnet = registry.get("anthropic/claude-sonnet-4");
    expect(sonnet?.parameters).toEqual({
      parallel_tool_calls: { availability: "mutable", range: {} },
      temperature: { availability: "mutable", range: { min: 0, max: 2 } },
      top_k: { availability: "mutable", range: { min: 0 } },
      tools: { availability: "opaque" },
      seed: { availability: "unsupported" },
      stream: { availability: "read_only", value: true },
    });
    expect(registry.get("local/nli")).toEqual({
      info: {
        id: "local/nli",
        provider: "local",
        capabilities: ["Nli", "Classify", "LocalInference"],
        context_window: null,
        dimensions: null,
      },
      parameters: {},
    });
    expect(registry.preset("budget", "embedding")).toEqual({
      model: "sentence-transformers/all-MiniLM-L6-v2",
    });
    expect(registry.preset("free", "summariser")).toEqual({ model: "anthropic/claude-sonnet-4" });
    expect(registry.preset("budget", "agentic")?.parameters).toEqual(
      RUST_DOCUMENT.presets.budget.agentic.parameters,
    );
    expect(registry.warnings).toEqual([]);
  });

  it("reads JSON text, and a bare array of records (the format before `version`)", () => {
    const registry = ModelRegistry.fromJSON(JSON.stringify([model("a/b")]));
    expect(registry.get("a/b")?.info.id).toBe("a/b");
    expect(registry.presets).toEqual({});
  });

  it("keeps only the format's fields", () => {
    const registry = ModelRegistry.fromPayload({
      version: 1,
      models: [{ ...model("a/b"), extra: 1, info: { ...model("a/b").info, display_name: "B" } }],
      future_field: true,
    });
    expect(registry.get("a/b")).not.toHaveProperty("extra");
    expect(registry.get("a/b")?.info).not.toHaveProperty("display_name");
  });

  it.each([
    ["not an object", 42, "", "must be an object, got 42"],
    ["no version", { models: [] }, "version", "must be a non-negative integer, got nothing"],
    ["a string version", { version: "1", models: [] }, "version", 'got "1"'],
    ["models not an array", { version: 1, models: {} }, "models", "must be an array"],
    [
      "a record that is not an object",
      { version: 1, models: [null] },
      "models[0]",
      "must be an object",
    ],
    ["no info", { version: 1, models: [{}] }, "models[0].info", "must be an object, got nothing"],
    [
      "an empty id",
      { version: 1, models: [model("")] },
      "models[0].info.id",
      "must be a non-empty string",
    ],
    [
      "an unknown capability",
      { version: 1, models: [{ info: { id: "a", provider: "p", capabilities: ["Vision"] } }] },
      "models[0].info.capabilities[0]",
      '"Chat", "ChatStreaming"',
    ],
    [
      "capabilities not an array",
      { version: 1, models: [{ info: { id: "a", provider: "p", capabilities: "Chat" } }] },
      "models[0].info.capabilities",
      "must be an array",
    ],
    [
      "a fractional context window",
      {
        version: 1,
        models: [{ info: { id: "a", provider: "p", capabilities: [], context_window: 1.5 } }],
      },
      "models[0].info.context_window",
      "non-negative integer, got 1.5",
    ],
    [
      "negative dimensions",
      {
        version: 1,
        models: [{ info: { id: "a", provider: "p", capabilities: [], dimensions: -3 } }],
      },
      "models[0].info.dimensions",
      "got -3",
    ],
    [
      "an unknown availability",
      {
        version: 1,
        models: [model("a", { parameters: { temperature: { availability: "sometimes" } } })],
      },
      "models[0].parameters.temperature.availability",
      '"mutable", "read_only", "opaque", "unsupported"',
    ],
    [
      "a range whose min is above its max",
      {
        version: 1,
        models: [
          model("a", {
            parameters: { temperature: { availability: "mutable", range: { min: 2, max: 1 } } },
          }),
        ],
      },
      "models[0].parameters.temperature.range",
      "min 2 above max 1",
    ],
    [
      "a range bound that is not a number",
      {
        version: 1,
        models: [
          model("a", { parameters: { top_p: { availability: "mutable", range: { max: "1" } } } }),
        ],
      },
      "models[0].parameters.top_p.range.max",
      "finite number",
    ],
    [
      "a range bound of the wrong type after the same range with numbers",
      {
        version: 1,
        models: [
          model("a", { parameters: { t: { availability: "mutable", range: { min: 0, max: 2 } } } }),
          model("b", {
            parameters: { t: { availability: "mutable", range: { min: 0, max: "2" } } },
          }),
        ],
      },
      "models[1].parameters.t.range.max",
      'must be a finite number, got "2"',
    ],
    [
      "read_only without a value",
      {
        version: 1,
        models: [model("a", { parameters: { stream: { availability: "read_only" } } })],
      },
      "models[0].parameters.stream.value",
      "is missing",
    ],
    [
      "a negative price",
      { version: 1, models: [model("a", { pricing: { prompt_cost_per_mtok: -1 } })] },
      "models[0].pricing.prompt_cost_per_mtok",
      "at least 0, got -1",
    ],
    [
      "an output limit that is a string",
      { version: 1, models: [model("a", { max_output_tokens: "8k" })] },
      "models[0].max_output_tokens",
      'got "8k"',
    ],
    [
      "a parameter named __proto__",
      {
        version: 1,
        models: [
          model("a", { parameters: JSON.parse('{"__proto__": {"availability": "opaque"}}') }),
        ],
      },
      "models[0].parameters.__proto__",
      "not a usable parameter name",
    ],
    [
      "a preset entry that is a number",
      { version: 1, models: [], presets: { free: { agentic: 3 } } },
      "presets.free.agentic",
      'must be a model id or {"model", "parameters"}',
    ],
    [
      "a preset parameter of the wrong type",
      {
        version: 1,
        models: [],
        presets: { free: { coding: { model: "a", parameters: { temperature: "hot" } } } },
      },
      "presets.free.coding.parameters.temperature",
      'finite number, got "hot"',
    ],
    [
      "a preset reasoning effort the format does not have",
      {
        version: 1,
        models: [],
        presets: { free: { coding: { model: "a", parameters: { reasoning: { effort: "max" } } } } },
      },
      "presets.free.coding.parameters.reasoning.effort",
      '"none", "minimal", "low", "medium", "high", "xhigh", got "max"',
    ],
    [
      "a preset tool choice of the wrong shape",
      {
        version: 1,
        models: [],
        presets: { free: { coding: { model: "a", parameters: { tool_choice: { name: "x" } } } } },
      },
      "presets.free.coding.parameters.tool_choice",
      '{"function": {"name"}}',
    ],
    [
      "a tier name with a slash",
      { version: 1, models: [], presets: { "free/x": { coding: "a" } } },
      'presets["free/x"]',
      "not a usable tier name",
    ],
    [
      "a capability name that is empty",
      { version: 1, models: [], presets: { free: { "": "a" } } },
      'presets.free[""]',
      "not a usable capability name",
    ],
  ])("refuses %s with a data error naming the place", (_case, document, field, problem) => {
    const error = failure(document);
    expect(error.code).toBe("data");
    expect(error.details?.field).toBe(field);
    expect(error.message).toContain(problem);
    expect(error.message.startsWith(`registry: ${field === "" ? "the document" : field} `)).toBe(
      true,
    );
  });

  it("refuses a newer format version, saying it is newer", () => {
    const error = failure({ version: 2, models: [] });
    expect(error.code).toBe("data");
    expect(error.message).toBe(
      "registry: format version 2 is newer than this package reads (1); update @ratatoskr/models",
    );
    expect(error.details).toMatchObject({ version: 2, supported: 1 });
  });

  it("refuses text that is not JSON with a json error", () => {
    expect(() => ModelRegistry.fromJSON("{ not json", { origin: "my file" })).toThrowError(
      expect.objectContaining({
        code: "json",
        message: expect.stringMatching(/^my file: not valid JSON/),
      }),
    );
  });

  it("warns, as the Rust registry does, about a duplicate id (the later wins) and a preset naming an unknown model", () => {
    const registry = ModelRegistry.fromPayload({
      version: 1,
      models: [model("a/b", { max_output_tokens: 1 }), model("a/b", { max_output_tokens: 2 })],
      presets: { free: { agentic: "a/b", coding: "not/listed" } },
    });
    expect(registry.get("a/b")?.max_output_tokens).toBe(2);
    expect(registry.warnings).toEqual([
      'model "a/b" is listed twice; the later record is used',
      'preset ratatoskr:free/coding names "not/listed", which the registry does not hold',
    ]);
  });

  it("ignores an unknown preset parameter with a warning (a newer writer may add some)", () => {
    const registry = ModelRegistry.fromPayload({
      version: 1,
      models: [model("a/b")],
      presets: { free: { agentic: { model: "a/b", parameters: { min_p: 0.1, top_p: 0.9 } } } },
    });
    expect(registry.preset("free", "agentic")?.parameters).toEqual({ top_p: 0.9 });
    expect(registry.warnings).toEqual([
      "registry: presets.free.agentic.parameters.min_p is not a preset parameter and was ignored",
    ]);
  });
});

describe("a registry's records", () => {
  it("are frozen all the way down, so no caller can change what another sees", () => {
    const registry = ModelRegistry.fromPayload(RUST_DOCUMENT);
    const record = registry.get("anthropic/claude-sonnet-4")!;
    expect(() => {
      (record.info as { id: string }).id = "changed";
    }).toThrow(TypeError);
    expect(() => {
      (record.info.capabilities as string[]).push("Embed");
    }).toThrow(TypeError);
    expect(() => {
      (record.parameters as Record<string, unknown>).temperature = { availability: "opaque" };
    }).toThrow(TypeError);
    const parameters = registry.preset("budget", "agentic")!.parameters!;
    expect(() => {
      (parameters.stop as string[]).push("x");
    }).toThrow(TypeError);
    expect(() => {
      (parameters.raw_provider_options as { provider: { order: string[] } }).provider.order.push(
        "x",
      );
    }).toThrow(TypeError);
    expect(registry.get("anthropic/claude-sonnet-4")?.info.id).toBe("anthropic/claude-sonnet-4");
  });

  it("do not share objects with the document they were read from", () => {
    const document = structuredClone(RUST_DOCUMENT);
    const registry = ModelRegistry.fromPayload(document);
    document.models[0].parameters.stream.value = false;
    document.presets.budget.agentic.parameters.stop.push("changed");
    expect(registry.get("anthropic/claude-sonnet-4")?.parameters.stream).toEqual({
      availability: "read_only",
      value: true,
    });
    expect(registry.preset("budget", "agentic")?.parameters?.stop).toEqual(["END"]);
  });
});

describe("adopting a document (adopt: true)", () => {
  it("freezes the document's parameter objects in place and reads the same records", () => {
    const document = structuredClone(RUST_DOCUMENT);
    const adopted = ModelRegistry.fromPayload(document, { adopt: true });
    const copied = ModelRegistry.fromPayload(structuredClone(RUST_DOCUMENT));
    expect(adopted.list()).toEqual(copied.list());
    expect(adopted.get("anthropic/claude-sonnet-4")?.parameters).toBe(
      document.models[0].parameters,
    );
    expect(Object.isFrozen(document.models[0].parameters)).toBe(true);
  });

  it("leaves a document alone without it", () => {
    const document = structuredClone(RUST_DOCUMENT);
    ModelRegistry.fromPayload(document);
    expect(Object.isFrozen(document.models[0].parameters)).toBe(false);
  });
});

describe("listing", () => {
  const registry = ModelRegistry.fromPayload(RUST_DOCUMENT);

  it("lists every record sorted by id", () => {
    expect(registry.list().map((record) => record.info.id)).toEqual([
      "anthropic/claude-sonnet-4",
      "local/nli",
      "sentence-transformers/all-MiniLM-L6-v2",
    ]);
  });

  it("filters by capability (one or all of several), provider and parameter", () => {
    const ids = (filter: Parameters<typeof registry.list>[0]) =>
      registry.list(filter).map((record) => record.info.id);
    expect(ids({ capability: "Embed" })).toEqual(["sentence-transformers/all-MiniLM-L6-v2"]);
    expect(ids({ capability: ["Nli", "LocalInference"] })).toEqual(["local/nli"]);
    expect(ids({ capability: ["Nli", "Chat"] })).toEqual([]);
    expect(ids({ provider: "openrouter" })).toEqual(["anthropic/claude-sonnet-4"]);
    expect(ids({ parameter: "temperature" })).toEqual(["anthropic/claude-sonnet-4"]);
    expect(ids({ parameter: "seed" })).toEqual([]); // declared unsupported
    expect(ids({ parameter: "constructor" })).toEqual([]);
  });

  it("knows every capability of the format", () => {
    expect(MODEL_CAPABILITIES).toHaveLength(10);
  });
});

describe("merging (a remote copy over the shipped one)", () => {
  const base = ModelRegistry.fromPayload({
    version: 1,
    models: [
      model("a/b", {
        info: { id: "a/b", provider: "openrouter", capabilities: ["Chat"], context_window: 1000 },
        parameters: {
          temperature: { availability: "mutable", range: { min: 0, max: 2 } },
          top_k: { availability: "opaque" },
        },
        pricing: { prompt_cost_per_mtok: 1, completion_cost_per_mtok: 2 },
        max_output_tokens: 100,
      }),
      model("kept/only-here"),
    ],
    presets: { free: { agentic: "a/b", coding: "a/b" } },
  });
  const incoming = ModelRegistry.fromPayload({
    version: 1,
    models: [
      {
        info: { id: "a/b", provider: "openrouter", capabilities: ["ToolUse"] },
        parameters: { temperature: { availability: "mutable", range: { min: 0, max: 1 } } },
        pricing: { prompt_cost_per_mtok: 5 },
      },
      model("new/one"),
    ],
    presets: { free: { coding: "new/one" }, premium: { agentic: "new/one" } },
  });
  const merged = base.merge(incoming);

  it("replaces parameters one by one, and pricing, limits and context only where the incoming record has them", () => {
    expect(merged.get("a/b")).toEqual({
      info: {
        id: "a/b",
        provider: "openrouter",
        capabilities: ["Chat", "ToolUse"],
        context_window: 1000,
        dimensions: null,
      },
      parameters: {
        temperature: { availability: "mutable", range: { min: 0, max: 1 } },
        top_k: { availability: "opaque" },
      },
      pricing: { prompt_cost_per_mtok: 5 },
      max_output_tokens: 100,
    });
  });

  it("keeps records only the base has, adds new ones, and replaces presets entry by entry", () => {
    expect(merged.has("kept/only-here")).toBe(true);
    expect(merged.has("new/one")).toBe(true);
    expect(merged.preset("free", "agentic")?.model).toBe("a/b");
    expect(merged.preset("free", "coding")?.model).toBe("new/one");
    expect(merged.preset("premium", "agentic")?.model).toBe("new/one");
  });

  it("changes neither registry", () => {
    expect(base.get("a/b")?.pricing?.prompt_cost_per_mtok).toBe(1);
    expect(base.has("new/one")).toBe(false);
    expect(base.preset("free", "coding")?.model).toBe("a/b");
  });
});
