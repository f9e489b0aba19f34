/**
 * Embedded vs remote: every `ModelGateway` method called the same way on an
 * embedded gateway over the mock provider and on a `ServiceClient` pointed
 * at a server of the same gateway gives the same answer (request ids, which
 * count per mock, aside).
 */
import { Message, RatatoskrError } from "@ratatoskr/core";
import type { Gateway } from "@ratatoskr/gateway";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  embeddedGateway,
  LISTED_MODEL,
  type RemoteSetup,
  remoteSetup,
} from "./support/gateways.ts";

/**
 * `value` as both sides can carry it: without `requestId` fields (the mock
 * numbers its requests) and `null` fields (the wire has no null), numbers as
 * 32-bit floats (scores and vectors are 32-bit on the wire).
 */
function withoutRequestIds(value: unknown): unknown {
  if (typeof value === "number") return Math.fround(value);
  if (Array.isArray(value)) return value.map(withoutRequestIds);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, entry]) => key !== "requestId" && entry !== null)
      .map(([key, entry]) => [key, withoutRequestIds(entry)]),
  );
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: withoutRequestIds(await run()) };
  } catch (error) {
    if (!RatatoskrError.isInstance(error)) throw error;
    return { error: error.code };
  }
}

const messages = [Message.system("Be brief."), Message.user("Hello there, remote world")];
const pairs = [
  { premise: "A cat sits.", hypothesis: "An animal sits." },
  { premise: "It rains.", hypothesis: "It is sunny." },
];

type AnyGateway = Pick<Gateway, keyof import("@ratatoskr/core").ModelGateway>;

/** Every method, with the same arguments for both sides. */
const calls: Record<string, (gateway: AnyGateway) => Promise<unknown>> = {
  chat: (g) => g.chat(messages, { model: "mock-1", temperature: 0.5, maxTokens: 64 }),
  chatStream: (g) => collect(g.chatStream(messages, { model: "mock-1" })),
  generate: (g) => g.generate("Once upon a time", { model: "mock-1", maxTokens: 16 }),
  generateStream: (g) => collect(g.generateStream("Once upon a time", { model: "mock-1" })),
  embed: (g) => g.embed("remote embeddings", "mock-embed"),
  embedBatch: (g) => g.embedBatch(["one", "two", "three"], "mock-embed"),
  inferNli: (g) => g.inferNli("A cat sits.", "An animal sits.", "mock-nli"),
  inferNliBatch: (g) => g.inferNliBatch(pairs, "mock-nli"),
  classifyZeroShot: (g) => g.classifyZeroShot("I love it", ["positive", "negative"], "mock-zs"),
  classifyStance: (g) => g.classifyStance("Taxes must fall", "lower taxes", "mock-zs"),
  countTokens: (g) => g.countTokens("count these four words", "mock-1"),
  tokenize: (g) => g.tokenize("héllo wörld tokens", "mock-1"),
  listModels: (g) => g.listModels(),
  modelStatus: (g) => g.modelStatus(LISTED_MODEL),
  modelStatusUnknown: (g) => g.modelStatus("nobody/serves-this"),
  fetchModelMetadata: (g) => g.fetchModelMetadata(LISTED_MODEL),
  fitsContext: (g) =>
    g.fitsContext(messages, LISTED_MODEL, {
      tools: [{ name: "lookup", description: "Look up", parameters: { type: "object" } }],
      reserveOutput: 64,
    }),
  fitsContextOverflow: (g) => g.fitsContext(messages, "mock-1", { contextWindow: 2 }),
};

describe("a ServiceClient answers like the embedded gateway", () => {
  let embedded: Gateway;
  let remote: RemoteSetup;

  beforeAll(async () => {
    embedded = await embeddedGateway();
    remote = await remoteSetup();
  });
  afterAll(() => remote.close());

  for (const [name, call] of Object.entries(calls)) {
    it(name, async () => {
      const local = await outcome(() => call(embedded));
      const over = await outcome(() => call(remote.client as unknown as AnyGateway));
      expect(local).toHaveProperty("value");
      expect(over).toEqual(local);
    });
  }

  it("capabilities, once ready", async () => {
    expect(() => remote.client.capabilities()).toThrowError(
      expect.objectContaining({ code: "configuration" }),
    );
    expect(await remote.client.ready()).toEqual(embedded.capabilities());
    expect(remote.client.capabilities()).toEqual(embedded.capabilities());
  });

  it("modelMetadata answers from what the client fetched", async () => {
    const fresh = await remoteSetup();
    try {
      expect(fresh.client.modelMetadata(LISTED_MODEL)).toBeUndefined();
      const fetched = await fresh.client.fetchModelMetadata(LISTED_MODEL);
      expect(fresh.client.modelMetadata(LISTED_MODEL)).toEqual(fetched);
      await embedded.fetchModelMetadata(LISTED_MODEL);
      expect(withoutRequestIds(fetched)).toEqual(
        withoutRequestIds(embedded.modelMetadata(LISTED_MODEL)),
      );
      expect(await fresh.client.getModelMetadata(LISTED_MODEL)).toEqual(fetched);
    } finally {
      await fresh.close();
    }
  });

  it("presets: resolvePreset and listPresets", async () => {
    const presets = embedded.listPresets();
    expect(presets.length).toBeGreaterThan(0);
    const first = presets[0]!;
    const uri = `ratatoskr:${first.tier}/${first.capability}`;
    expect(await remote.client.resolvePreset(uri)).toEqual(embedded.resolvePreset(uri));
    expect(await remote.client.listPresets()).toEqual(presets);
    await expect(remote.client.resolvePreset("ratatoskr:nope/chat")).rejects.toMatchObject({
      code: "invalid_input",
    });
  });

  it("health reports the served gateway's providers", async () => {
    expect(await remote.client.health()).toEqual({
      healthy: true,
      version: "0.0.0",
      providers: ["mock"],
    });
  });

  it("fitsContext checks its input locally, as the gateway does", async () => {
    await expect(remote.client.fitsContext([], "mock-1")).rejects.toMatchObject({
      code: "invalid_input",
    });
    await expect(
      remote.client.fitsContext(messages, "mock-1", { reserveOutput: -1 }),
    ).rejects.toMatchObject({ code: "invalid_input", details: { field: "options.reserveOutput" } });
  });

  it("route answers the served gateway's decision, explanation included", async () => {
    for (const [capability, model] of [
      ["chat", "mock-1"],
      ["embed", "mock:mock-embed"],
      ["chat", "ratatoskr:budget/coding"],
      ["chat", "nobody:serves-this"],
    ] as const) {
      const remoteDecision = await remote.client.route(capability, model);
      expect(remoteDecision).toEqual(JSON.parse(JSON.stringify(embedded.route(capability, model))));
      expect(remoteDecision.explanation.length).toBeGreaterThan(0);
    }
    await expect(remote.client.route("speak" as "chat", "mock-1")).rejects.toMatchObject({
      code: "invalid_input",
      details: { field: "capability" },
    });
  });
});
