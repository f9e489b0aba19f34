import { type ErrorCode, RatatoskrError, registerSecret } from "@ratatoskr/core";
import type { MockProvider } from "@ratatoskr/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { exitCodeForErrorCode } from "./exit-codes.ts";
import { listedMock, runWith } from "./test-helpers.ts";

let mock: MockProvider;
beforeEach(() => {
  mock = listedMock();
});

const CLASSES: Array<[ErrorCode, number]> = [
  ["invalid_input", 3],
  ["authentication", 4],
  ["no_provider", 5],
  ["model_not_found", 5],
  ["not_implemented", 5],
  ["network", 6],
  ["timeout", 6],
  ["rate_limited", 7],
  ["provider", 1],
];

describe("rat exit codes", () => {
  it.each(CLASSES)("%s exits %i with `error [code]: message`", async (code, exit) => {
    mock.failNext(
      "chatStream",
      new RatatoskrError({ code, message: `injected ${code}`, isRetryable: false }),
    );
    const result = await runWith(mock, ["chat", "-m", "demo-chat", "hi"]);
    expect(result.code).toBe(exit);
    expect(result.stderr).toContain(`error [${code}]: injected ${code}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(exitCodeForErrorCode(code)).toBe(exit);
  });

  it("--json prints a JSON error object", async () => {
    mock.failNext(
      "embed",
      new RatatoskrError({ code: "rate_limited", message: "slow down", isRetryable: false }),
    );
    const result = await runWith(mock, ["--json", "embed", "-m", "demo-embed", "x"]);
    expect(result.code).toBe(7);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: "rate_limited", message: "slow down", exitCode: 7 },
    });
    expect(result.stdout).toBe("");
  });

  it("a rate_limited error tells the server's retry-after, in text and under --json", async () => {
    const refused = () =>
      new RatatoskrError({ code: "rate_limited", message: "busy", retryAfterMs: 2500 });
    mock.failNext("embed", refused(), 3);
    const text = await runWith(mock, ["embed", "-m", "demo-embed", "x"]);
    expect(text.code).toBe(7);
    expect(text.stderr).toContain("error [rate_limited]: busy (retry after 3 s)");
    mock.reset();
    mock.failNext("embed", refused(), 3);
    const json = await runWith(mock, ["--json", "embed", "-m", "demo-embed", "x"]);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: "rate_limited", message: "busy", exitCode: 7, retryAfterMs: 2500 },
    });
  });

  it("a usage error under --json is a JSON object too", async () => {
    const result = await runWith(mock, [
      "--json",
      "tokens",
      "-m",
      "demo-chat",
      "x",
      "--timeout",
      "-1",
    ]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: "usage", exitCode: 2 } });
  });

  it("a usage error found by the parser is a JSON object under --json", async () => {
    const result = await runWith(mock, ["--json", "bogus"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: "usage", message: "unknown command 'bogus'", exitCode: 2 },
    });
  });

  it("--timeout bounds the call: a deadline that fires is a timeout (exit 6)", async () => {
    mock.enqueueStream({ events: [{ type: "content", text: "late" }], delayMs: 600_000 });
    const result = await runWith(mock, ["--timeout", "1", "chat", "-m", "demo-chat", "hi"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/^error \[timeout\]: /);
    expect(result.stdout).toBe("");
  });

  it("an unexpected error exits 1; the stack only shows with RATATOSKR_DEBUG=1", async () => {
    const boom = { createLocal: async () => Promise.reject(new TypeError("boom")) };
    const quiet = await runWith(mock, ["models"], { deps: boom });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toBe("error [unexpected]: boom\n");
    const debug = await runWith(mock, ["models"], { deps: boom, env: { RATATOSKR_DEBUG: "1" } });
    expect(debug.stderr).toContain("error [unexpected]: boom");
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it("never prints a key or the daemon token", async () => {
    const key = "sk-cli-canary-0123456789abcdef";
    registerSecret(key);
    mock.failNext(
      "chatStream",
      new RatatoskrError({
        code: "authentication",
        message: `key ${key} refused`,
        isRetryable: false,
      }),
    );
    const token = "tok-cli-canary-abcdef0123456789";
    const result = await runWith(
      mock,
      ["--url", "http://127.0.0.1:9741", "--token", token, "chat", "-m", "demo-chat", "hi"],
      {
        env: { RATATOSKR_DEBUG: "1" },
      },
    );
    expect(result.code).toBe(4);
    expect(result.stderr + result.stdout).not.toContain(key);
    expect(result.stderr + result.stdout).not.toContain(token);
  });
});
