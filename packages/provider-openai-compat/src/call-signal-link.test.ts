import { getEventListeners } from "node:events";
import { RatatoskrError } from "@ratatoskr/core";
import { failure } from "@ratatoskr/testing/conformance";
import { describe, expect, it } from "vitest";
import { CallSignalLink, linkCallSignals } from "./call-signal-link.ts";
import { mapOpenAIError } from "./map-openai-error.ts";
import { loadOpenAISdk } from "./openai-sdk.ts";

/** A fetch that records the init it was given and answers 200. */
function recordingFetch() {
  const inits: RequestInit[] = [];
  const fetchImplementation: typeof fetch = async (_input, init) => {
    inits.push(init ?? {});
    return new Response("{}");
  };
  return { inits, fetchImplementation };
}

describe("CallSignalLink", () => {
  it("aborts the request when the call's signal aborts, with the call's reason", () => {
    const call = new AbortController();
    const own = new AbortController();
    const link = new CallSignalLink(call.signal);
    const linked = link.link(own.signal);
    expect(linked.aborted).toBe(false);
    call.abort(new Error("caller gave up"));
    expect(linked.aborted).toBe(true);
    expect((linked.reason as Error).message).toBe("caller gave up");
  });

  it("aborts the request when the SDK's own signal aborts (its timeout), with that reason", () => {
    const call = new AbortController();
    const own = new AbortController();
    const linked = new CallSignalLink(call.signal).link(own.signal);
    own.abort("sdk timeout");
    expect(linked.aborted).toBe(true);
    expect(linked.reason).toBe("sdk timeout");
    expect(call.signal.aborted).toBe(false);
  });

  it("returns an aborted signal at once when either side is already aborted", () => {
    const own = new AbortController();
    expect(new CallSignalLink(AbortSignal.abort("before")).link(own.signal).reason).toBe("before");
    expect(
      new CallSignalLink(new AbortController().signal).link(AbortSignal.abort("own")).reason,
    ).toBe("own");
    expect(getEventListeners(own.signal, "abort")).toHaveLength(0);
  });

  it("uses the call's signal itself when the SDK sends none", () => {
    const call = new AbortController();
    const link = new CallSignalLink(call.signal);
    expect(link.link(undefined)).toBe(call.signal);
    expect(link.link(null)).toBe(call.signal);
    expect(getEventListeners(call.signal, "abort")).toHaveLength(0);
  });

  it("release() removes every listener it added, from both signals", () => {
    const call = new AbortController();
    const owns = [new AbortController(), new AbortController()];
    const link = new CallSignalLink(call.signal);
    const linked = owns.map((own) => link.link(own.signal));
    expect(getEventListeners(call.signal, "abort")).toHaveLength(2);
    link.release();
    expect(getEventListeners(call.signal, "abort")).toHaveLength(0);
    for (const own of owns) expect(getEventListeners(own.signal, "abort")).toHaveLength(0);
    call.abort();
    expect(linked.every((signal) => !signal.aborted)).toBe(true);
    link.release(); // twice is harmless
  });
});

describe("a request without an AbortSignal", () => {
  it.each([
    ["a string", "nope"],
    ["undefined", undefined],
    ["a plain object", { aborted: false }],
  ])("is invalid_input naming signal when it is %s, never a TypeError", (_what, value) => {
    expect(() => new CallSignalLink(value as never)).toThrow(
      expect.objectContaining({ code: "invalid_input", details: { field: "signal" } }),
    );
  });
});

describe("linkCallSignals", () => {
  it("sends the request with the linked signal and without the link itself", async () => {
    const { inits, fetchImplementation } = recordingFetch();
    const call = new AbortController();
    const link = new CallSignalLink(call.signal);
    const own = new AbortController();
    await linkCallSignals(fetchImplementation, "compat")("http://127.0.0.1/", {
      ...link.fetchOptions,
      method: "POST",
      signal: own.signal,
    });
    const sent = inits[0]!;
    expect(sent.method).toBe("POST");
    expect(Object.getOwnPropertySymbols(sent)).toEqual([]);
    expect(sent.signal).not.toBe(own.signal);
    call.abort();
    expect(sent.signal?.aborted).toBe(true);
  });

  it("refuses a request that arrives without its call's link, as a typed configuration error", async () => {
    const { inits, fetchImplementation } = recordingFetch();
    const error = await failure(
      linkCallSignals(fetchImplementation, "compat")("http://127.0.0.1/", { method: "POST" }),
    );
    expect(inits).toHaveLength(0);
    expect(RatatoskrError.isInstance(error)).toBe(true);
    expect(error.code).toBe("configuration");
    expect(error.provider).toBe("compat");
    expect(error.message).toMatch(/without the call's signal/);
  });
});

describe("mapOpenAIError", () => {
  it("passes on the typed error the client's fetch threw, which the SDK wrapped as a connection error", async () => {
    const sdk = await loadOpenAISdk();
    const thrown = new RatatoskrError({
      code: "configuration",
      message: "compat: the openai SDK sent a request without the call's signal",
      provider: "compat",
    });
    const wrapped = new sdk.APIConnectionError({ cause: thrown });
    const mapped = mapOpenAIError(wrapped, {
      provider: "compat",
      baseURL: "http://127.0.0.1/v1",
      signal: new AbortController().signal,
    });
    expect(mapped).toBe(thrown);
  });
});
