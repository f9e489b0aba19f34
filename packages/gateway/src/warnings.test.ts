/**
 * Warnings: a setting a provider ignores reaches the response, `done` and
 * the `onWarning` hook, stamped with the provider; strict mode turns it into
 * `invalid_input` before anything is sent.
 */
import { RatatoskrError, type Warning } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";
import type { WarningEvent } from "./gateway-hooks.ts";
import { Ratatoskr } from "./index.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

const topKIgnored: Warning = {
  type: "unsupported_setting",
  setting: "topK",
  details: "the plain mock ignores it",
  provider: "plain",
};

describe("warnings", () => {
  it("reach the response, done and onWarning, stamped with the provider", async () => {
    const heard: WarningEvent[] = [];
    const plain = createMockProvider({ id: "plain", unsupportedSettings: ["topK"] });
    const gateway = await Ratatoskr.builder()
      .use(plain)
      .hooks({ onWarning: (event) => heard.push(event) })
      .build();
    const response = await gateway.chat(hello, { model: "m", topK: 5 });
    expect(response.warnings).toEqual([topKIgnored]);
    const events = await drain(gateway.chatStream(hello, { model: "m", topK: 5 }));
    expect(events.map((event) => event.type)).not.toContain("warning");
    expect(events.at(-1)).toMatchObject({ type: "done", warnings: [topKIgnored] });
    const generated = await gateway.generate("p", { model: "m", topK: 5 });
    expect(generated.warnings).toEqual([topKIgnored]);
    expect(heard.map((event) => [event.stream, event.provider, event.warning.type])).toEqual([
      [false, "plain", "unsupported_setting"],
      [true, "plain", "unsupported_setting"],
      [false, "plain", "unsupported_setting"],
    ]);
    const clean = await gateway.chat(hello, { model: "m" });
    expect(clean).not.toHaveProperty("warnings");
  });

  it("of methods without a warnings field reach onWarning, once per batch", async () => {
    const heard: string[] = [];
    const picky = createMockProvider({
      id: "picky",
      knownProviderOptions: [],
      maxEmbeddingsPerCall: 2,
    });
    const gateway = await Ratatoskr.builder()
      .use(picky)
      .hooks({
        onWarning: (event) => heard.push(`${event.capability}:${JSON.stringify(event.warning)}`),
      })
      .build();
    const providerOptions = { picky: { truncate: true } };
    await gateway.embedBatch(["a", "b", "c", "d", "e"], "m", { providerOptions });
    await gateway.inferNli("a", "b", "m", { providerOptions });
    expect(picky.callsOf("embed")).toHaveLength(3);
    expect(heard).toEqual([
      'embed:{"type":"unknown_provider_option","option":"truncate","provider":"picky"}',
      'nli:{"type":"unknown_provider_option","option":"truncate","provider":"picky"}',
    ]);
  });

  it("of an attempt that failed before delivering are not reported; the answering provider's are", async () => {
    const heard: string[] = [];
    const first = createMockProvider({ id: "first", unsupportedSettings: ["seed"] });
    first.enqueueStream({
      events: [],
      error: new RatatoskrError({ code: "network", message: "reset" }),
    });
    const second = createMockProvider({ id: "second" });
    const gateway = await Ratatoskr.builder()
      .use(first)
      .use(second)
      .retry(false)
      .fallbacks("chat", ["second:m"])
      .hooks({ onWarning: (event) => heard.push(event.provider) })
      .build();
    const events = await drain(gateway.chatStream(hello, { model: "first:m", seed: 1 }));
    expect(events.at(-1)).toMatchObject({ provider: "second" });
    expect(events.at(-1)).not.toHaveProperty("warnings");
    expect(heard).toEqual([]);
  });
});

describe("strict mode", () => {
  it("turns a warning into invalid_input before anything is sent, naming it", async () => {
    const plain = createMockProvider({ id: "plain", unsupportedSettings: ["topK"] });
    const gateway = await Ratatoskr.builder().use(plain).build();
    for (const error of [
      await errorOf(gateway.chat(hello, { model: "m", topK: 5, strict: true })),
      await errorOf(drain(gateway.chatStream(hello, { model: "m", topK: 5, strict: true }))),
      await errorOf(gateway.generate("p", { model: "m", topK: 5, strict: true })),
    ]) {
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain("setting topK is not supported");
      expect(error.details?.warnings).toEqual([topKIgnored]);
    }
    expect(plain.calls).toHaveLength(0);
    // Without strict, the same call is answered with the warning.
    expect((await gateway.chat(hello, { model: "m", topK: 5 })).warnings).toEqual([topKIgnored]);
  });

  it("refuses an unknown provider option of embed, NLI and countTokens before anything is sent", async () => {
    const picky = createMockProvider({ id: "picky", knownProviderOptions: [] });
    const gateway = await Ratatoskr.builder().use(picky).strict().build();
    const providerOptions = { picky: { truncate: true } };
    const unknownOption: Warning = {
      type: "unknown_provider_option",
      option: "truncate",
      provider: "picky",
    };
    for (const error of [
      await errorOf(gateway.embed("a", "m", { providerOptions })),
      await errorOf(gateway.embedBatch(["a", "b"], "m", { providerOptions })),
      await errorOf(gateway.inferNli("a", "b", "m", { providerOptions })),
      await errorOf(
        gateway.inferNliBatch([{ premise: "a", hypothesis: "b" }], "m", { providerOptions }),
      ),
      await errorOf(gateway.countTokens("a b", "m", { providerOptions })),
    ]) {
      expect(error.code).toBe("invalid_input");
      expect(error.message).toContain('provider "picky"');
      expect(error.details?.warnings).toEqual([unknownOption]);
    }
    expect(picky.calls).toHaveLength(0);
    // The same calls without an unknown option are answered.
    await gateway.embedBatch(["a", "b"], "m");
    await gateway.inferNli("a", "b", "m");
    await gateway.countTokens("a b", "m");
    expect(picky.calls.map((call) => call.method)).toEqual(["embed", "nli", "countTokens"]);
  });

  it("is the builder's default with .strict(), and a call can turn it off", async () => {
    const plain = createMockProvider({ id: "plain", unsupportedSettings: ["topK"] });
    const gateway = await Ratatoskr.builder().use(plain).strict().build();
    expect((await errorOf(gateway.chat(hello, { model: "m", topK: 5 }))).code).toBe(
      "invalid_input",
    );
    expect((await gateway.chat(hello, { model: "m", topK: 5, strict: false })).content).toBe(
      "mock: hello world",
    );
    expect(await gateway.chat(hello, { model: "m" })).not.toHaveProperty("warnings");
  });

  it("checks each target before its first attempt: a fallback that would warn ends the call", async () => {
    const primary = createMockProvider({ id: "primary" }).failNext(
      "chat",
      new RatatoskrError({ code: "network", message: "reset" }),
    );
    const backup = createMockProvider({ id: "backup", unsupportedSettings: ["seed"] });
    const gateway = await Ratatoskr.builder()
      .use(primary)
      .use(backup)
      .retry(false)
      .fallbacks("chat", ["backup:m"])
      .build();
    const error = await errorOf(gateway.chat(hello, { model: "primary:m", seed: 3, strict: true }));
    expect(error).toMatchObject({ code: "invalid_input" });
    expect(error.message).toContain('provider "backup"');
    expect(primary.calls).toHaveLength(1);
    expect(backup.calls).toHaveLength(0);
  });
});
