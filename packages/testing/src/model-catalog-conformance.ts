/**
 * The conformance checks of a provider's model catalog (`provider.models`,
 * `ModelCatalogV1`): well-formed listings, metadata records and status, and
 * an already-aborted signal honoured. `runProviderConformance` runs them
 * for a provider that has `models`; the assertions are exported for a
 * package's own tests.
 */
import {
  type CallRequestV1,
  type ListedModelV1,
  MODEL_CAPABILITIES,
  MODEL_STATES,
  type ModelCatalogV1,
  type ModelMetadata,
  type ModelStatusResultV1,
  RatatoskrError,
} from "@ratatoskr/core";
import { expect } from "vitest";

/** Common part of a scenario (the same shape as the suite's `ScenarioBase`). */
interface CatalogScenarioBase {
  /** Arrange the upstream for the call, before it is made. */
  prepare?: () => void | Promise<void>;
  /** Checked after the call (e.g. that every nock interceptor was used). */
  verify?: () => void | Promise<void>;
}

/** One call about one model: `fetchModelMetadata` or `modelStatus`. */
export interface ModelCatalogCallScenario extends CatalogScenarioBase {
  /** The model, without a `provider:` prefix. */
  model: string;
  /** What the answer must be: a record (`true`), `undefined` (`false`); default either. */
  expectKnown?: boolean;
}

/** The `models` scenario of the conformance suite. */
export interface ModelCatalogScenario extends CatalogScenarioBase {
  /** The fewest models the listing must hold (default 1). */
  minModels?: number;
  /** A `fetchModelMetadata` call; required when the catalog has that method. */
  metadata?: ModelCatalogCallScenario;
  /** A `modelStatus` call; required when the catalog has that method. */
  status?: ModelCatalogCallScenario;
}

const SOURCES: readonly ListedModelV1["source"][] = ["provider", "registry", "cache"];

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Asserts a listed model is well formed: an id, the provider's id, known capabilities and source. */
export function assertListedModel(model: ListedModelV1, provider: string): void {
  expect(typeof model.id === "string" && model.id.trim() !== "", "a listed model's id").toBe(true);
  expect(model.provider, `${model.id}: provider is the provider's id`).toBe(provider);
  expect(Array.isArray(model.capabilities), `${model.id}: capabilities is an array`).toBe(true);
  for (const capability of model.capabilities) {
    expect(MODEL_CAPABILITIES, `${model.id}: capability ${capability}`).toContain(capability);
  }
  expect(SOURCES, `${model.id}: source`).toContain(model.source);
  for (const field of ["context_window", "dimensions"] as const) {
    const value = model[field];
    if (value !== undefined && value !== null) {
      expect(isCount(value), `${model.id}: ${field} is a count`).toBe(true);
    }
  }
}

/** Asserts a metadata record is in the registry format, for `provider`'s model `model`. */
export function assertModelMetadataRecord(
  record: ModelMetadata,
  provider: string,
  model?: string,
): void {
  assertListedModel({ ...record.info, source: "provider" }, provider);
  if (model !== undefined) expect(record.info.id, "the record is the asked model's").toBe(model);
  expect(typeof record.parameters === "object" && record.parameters !== null).toBe(true);
  for (const [name, parameter] of Object.entries(record.parameters)) {
    expect(["mutable", "read_only", "opaque", "unsupported"], `parameter ${name}`).toContain(
      parameter.availability,
    );
  }
  for (const price of [
    record.pricing?.prompt_cost_per_mtok,
    record.pricing?.completion_cost_per_mtok,
  ]) {
    if (price !== undefined) expect(Number.isFinite(price) && price >= 0, "a price").toBe(true);
  }
  if (record.max_output_tokens !== undefined) {
    expect(isCount(record.max_output_tokens), "max_output_tokens").toBe(true);
  }
}

/** Asserts a status answer is well formed. */
export function assertModelStatus(status: ModelStatusResultV1): void {
  expect(MODEL_STATES).toContain(status.state);
  if (status.reason !== undefined) expect(typeof status.reason).toBe("string");
  if (status.device !== undefined) expect(typeof status.device).toBe("string");
  if (status.memoryBytes !== undefined) expect(isCount(status.memoryBytes)).toBe(true);
  if (status.progress !== undefined) {
    expect(isCount(status.progress.receivedBytes)).toBe(true);
    if (status.progress.totalBytes !== undefined) {
      expect(isCount(status.progress.totalBytes)).toBe(true);
    }
  }
}

/** The scenario parts a catalog's methods need and that are missing (`models.metadata`, `models.status`). */
export function missingCatalogScenarios(
  catalog: ModelCatalogV1,
  scenario: ModelCatalogScenario | undefined,
): string[] {
  if (scenario === undefined) return ["models"];
  const missing: string[] = [];
  if (catalog.fetchModelMetadata !== undefined && scenario.metadata === undefined) {
    missing.push("models.metadata");
  }
  if (catalog.modelStatus !== undefined && scenario.status === undefined) {
    missing.push("models.status");
  }
  return missing;
}

async function prepared<T>(scenario: CatalogScenarioBase, body: () => Promise<T>): Promise<T> {
  await scenario.prepare?.();
  const result = await body();
  await scenario.verify?.();
  return result;
}

function callRequest(model: string, signal: AbortSignal): CallRequestV1 {
  return { model, signal, providerOptions: {} };
}

/** `listModels` answers well-formed entries, at least `minModels` of them. */
export async function checkListModels(
  catalog: ModelCatalogV1,
  provider: string,
  scenario: ModelCatalogScenario,
): Promise<void> {
  const result = await prepared(scenario, () =>
    catalog.listModels({ signal: new AbortController().signal }),
  );
  expect(Array.isArray(result.models), "models is an array").toBe(true);
  expect(result.models.length).toBeGreaterThanOrEqual(scenario.minModels ?? 1);
  for (const model of result.models) assertListedModel(model, provider);
}

/** Every catalog method rejects with `aborted` when its signal has already fired, sending nothing. */
export async function checkCatalogAbort(catalog: ModelCatalogV1, model: string): Promise<void> {
  const controller = new AbortController();
  controller.abort();
  const calls: Array<[string, () => Promise<unknown>]> = [
    ["listModels", () => catalog.listModels({ signal: controller.signal })],
  ];
  if (catalog.fetchModelMetadata !== undefined) {
    calls.push([
      "fetchModelMetadata",
      () => catalog.fetchModelMetadata!(callRequest(model, controller.signal)),
    ]);
  }
  if (catalog.modelStatus !== undefined) {
    calls.push(["modelStatus", () => catalog.modelStatus!(callRequest(model, controller.signal))]);
  }
  for (const [name, call] of calls) {
    const caught = await call().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(RatatoskrError.isInstance(caught), `${name} rejects with a RatatoskrError`).toBe(true);
    expect((caught as RatatoskrError).code, `${name} on an aborted signal`).toBe("aborted");
  }
}

/** `fetchModelMetadata` answers `undefined` or a well-formed record of the asked model. */
export async function checkFetchModelMetadata(
  catalog: ModelCatalogV1,
  provider: string,
  scenario: ModelCatalogCallScenario,
): Promise<void> {
  const record = await prepared(scenario, () =>
    catalog.fetchModelMetadata!(callRequest(scenario.model, new AbortController().signal)),
  );
  if (scenario.expectKnown !== undefined) {
    expect(record !== undefined, "the model is known").toBe(scenario.expectKnown);
  }
  if (record !== undefined) assertModelMetadataRecord(record, provider, scenario.model);
}

/** `modelStatus` answers a well-formed status. */
export async function checkModelStatus(
  catalog: ModelCatalogV1,
  scenario: ModelCatalogCallScenario,
): Promise<void> {
  const status = await prepared(scenario, () =>
    catalog.modelStatus!(callRequest(scenario.model, new AbortController().signal)),
  );
  assertModelStatus(status);
  if (scenario.expectKnown === true) expect(status.state).not.toBe("unavailable");
  if (scenario.expectKnown === false) expect(status.state).toBe("unavailable");
}
