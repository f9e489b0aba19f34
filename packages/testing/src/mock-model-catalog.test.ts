import type { ModelMetadata } from "@ratatoskr/core";
import { describe, expect, it } from "vitest";
import { createMockProvider, mockError } from "./mock-provider.ts";
import {
  assertListedModel,
  assertModelMetadataRecord,
  assertModelStatus,
  missingCatalogScenarios,
} from "./model-catalog-conformance.ts";

const signal = () => new AbortController().signal;
const call = (model: string) => ({ model, signal: signal(), providerOptions: {} });

describe("the mock provider's model catalog", () => {
  it("has no catalog unless `models` is given", () => {
    expect(createMockProvider().models).toBeUndefined();
  });

  it("lists the configured models with the mock's id, records the call and answers metadata and status", async () => {
    const mock = createMockProvider({
      id: "mocked",
      models: {
        list: ["chatty", { id: "vec", capabilities: ["Embed"], dimensions: 4, source: "cache" }],
        status: { vec: { state: "downloading", progress: { receivedBytes: 10, totalBytes: 20 } } },
      },
    });
    const { models } = await mock.models!.listModels({ signal: signal() });
    expect(models).toEqual([
      {
        id: "chatty",
        provider: "mocked",
        capabilities: ["Chat", "ChatStreaming"],
        source: "provider",
      },
      { id: "vec", provider: "mocked", capabilities: ["Embed"], source: "cache", dimensions: 4 },
    ]);
    for (const model of models) assertListedModel(model, "mocked");
    expect(mock.catalogCalls.map((call) => call.method)).toEqual(["listModels"]);
    expect(mock.calls).toEqual([]);
    const record = await mock.models!.fetchModelMetadata!(call("vec"));
    expect(record).toEqual({
      info: { id: "vec", provider: "mocked", capabilities: ["Embed"], dimensions: 4 },
      parameters: {},
    });
    assertModelMetadataRecord(record!, "mocked", "vec");
    expect(await mock.models!.fetchModelMetadata!(call("nope"))).toBeUndefined();
    expect(await mock.models!.modelStatus!(call("vec"))).toMatchObject({ state: "downloading" });
    expect(await mock.models!.modelStatus!(call("chatty"))).toEqual({ state: "available" });
    expect(await mock.models!.modelStatus!(call("nope"))).toMatchObject({ state: "unavailable" });
  });

  it("answers configured metadata, leaves methods out on `false` and fails on cue", async () => {
    const record: ModelMetadata = {
      info: { id: "x", provider: "mock", capabilities: ["Chat"], context_window: 8192 },
      parameters: { temperature: { availability: "mutable", range: { min: 0, max: 2 } } },
      pricing: { prompt_cost_per_mtok: 1, completion_cost_per_mtok: 2 },
    };
    const mock = createMockProvider({
      models: { list: [], metadata: { x: record }, status: false },
    });
    expect(mock.models!.modelStatus).toBeUndefined();
    expect(await mock.models!.fetchModelMetadata!(call("x"))).toBe(record);
    mock.failNext("listModels", mockError("network"));
    await expect(mock.models!.listModels({ signal: signal() })).rejects.toMatchObject({
      code: "network",
    });
    const controller = new AbortController();
    controller.abort();
    await expect(mock.models!.listModels({ signal: controller.signal })).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("the catalog assertions catch malformed answers", () => {
    expect(() =>
      assertListedModel(
        { id: "", provider: "mock", capabilities: ["Chat"], source: "provider" },
        "mock",
      ),
    ).toThrow(/id/);
    expect(() =>
      assertListedModel(
        { id: "a", provider: "other", capabilities: ["Chat"], source: "provider" },
        "mock",
      ),
    ).toThrow(/provider/);
    expect(() =>
      assertListedModel(
        // @ts-expect-error an unknown capability
        { id: "a", provider: "mock", capabilities: ["Telepathy"], source: "provider" },
        "mock",
      ),
    ).toThrow(/capability/);
    expect(() =>
      // @ts-expect-error an unknown source
      assertListedModel({ id: "a", provider: "mock", capabilities: [], source: "web" }, "mock"),
    ).toThrow(/source/);
    // @ts-expect-error an unknown state
    expect(() => assertModelStatus({ state: "sleeping" })).toThrow();
    expect(
      missingCatalogScenarios({ listModels: async () => ({ models: [] }) }, undefined),
    ).toEqual(["models"]);
    expect(
      missingCatalogScenarios(
        {
          listModels: async () => ({ models: [] }),
          fetchModelMetadata: async () => undefined,
        },
        {},
      ),
    ).toEqual(["models.metadata"]);
  });
});
