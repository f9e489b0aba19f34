import { type ChatRequestV1, RatatoskrError } from "@ratatoskr/core";
import { runRatd } from "@ratatoskr/server";
import type { MockProvider } from "@ratatoskr/testing";
import { beforeEach, describe, expect, it } from "vitest";
import type { CliDeps, ServeOptions } from "./cli-types.ts";
import { connectRemote, startServer } from "./remote.ts";
import { BufferWriter, gatewayOn, listedMock, runWith } from "./test-helpers.ts";

let mock: MockProvider;
beforeEach(() => {
  mock = listedMock();
});

/** Deps that record which mode was chosen. */
function recordingDeps(log: string[]): Partial<CliDeps> {
  return {
    connectRemote: async (url, token) => {
      log.push(`remote ${url} ${token ?? "-"}`);
      return Object.assign(await gatewayOn(mock), { close: () => log.push("closed") });
    },
    createLocal: async (_env, options) => {
      log.push(`local mock=${options.mock}`);
      return gatewayOn(mock);
    },
  };
}

describe("rat modes", () => {
  it("is embedded without a URL, remote with --url or RATATOSKR_URL, embedded again with --local", async () => {
    const log: string[] = [];
    const deps = recordingDeps(log);
    await runWith(mock, ["models"], { deps });
    await runWith(mock, ["--url", "http://a:1", "--token", "t1", "models"], { deps });
    await runWith(mock, ["models"], {
      deps,
      env: { RATATOSKR_URL: "http://b:2", RATATOSKR_TOKEN: "t2" },
    });
    await runWith(mock, ["--local", "models"], { deps, env: { RATATOSKR_URL: "http://b:2" } });
    await runWith(mock, ["--mock", "models"], { deps, env: { RATATOSKR_URL: "http://b:2" } });
    expect(log).toEqual([
      "local mock=false",
      "remote http://a:1 t1",
      "closed",
      "remote http://b:2 t2",
      "closed",
      "local mock=false",
      "local mock=true",
    ]);
  });

  it("remote mode without @ratatoskr/client is a configuration error that says what to install", async () => {
    const missing = async () => {
      throw new Error("Cannot find package '@ratatoskr/client'");
    };
    const result = await runWith(mock, ["--url", "http://a:1", "models"], {
      deps: { connectRemote: (url, token) => connectRemote(url, token, missing) },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[configuration\]: .*install @ratatoskr\/client/);
  });

  it("talks to a real ratd through @ratatoskr/client (--url)", async () => {
    const running = await runRatd(["--mock", "--port", "0"], {}, { out: () => {}, err: () => {} });
    if (typeof running === "number") throw new Error("ratd did not start");
    try {
      const deps = {
        connectRemote: (url: string, token: string | undefined) => connectRemote(url, token),
      };
      const models = await runWith(mock, ["--url", running.ratd.url, "--json", "models"], { deps });
      expect(models.code).toBe(0);
      expect(JSON.parse(models.stdout)).toBeDefined();
      const chat = await runWith(
        mock,
        ["--url", running.ratd.url, "chat", "-m", "mock-model", "hello", "remote"],
        {
          deps,
        },
      );
      expect(chat.code).toBe(0);
      expect(chat.stdout.length).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
  });

  it("connectRemote hands the URL and token to createServiceClient", async () => {
    const calls: unknown[] = [];
    const fake = { marker: true };
    const client = await connectRemote("http://d:9741", "tok", async (specifier) => {
      expect(specifier).toBe("@ratatoskr/client");
      return {
        createServiceClient: (url: string, options: unknown) => {
          calls.push([url, options]);
          return fake;
        },
      };
    });
    expect(client).toBe(fake);
    expect(calls).toEqual([["http://d:9741", { token: "tok" }]]);
    await expect(connectRemote("http://d", undefined, async () => ({}))).rejects.toMatchObject({
      code: "configuration",
    });
  });

  it("startServer runs ratd's command line with host, port and token, or asks to install @ratatoskr/server", async () => {
    let received: unknown;
    let stopped = false;
    const started = await startServer(
      { env: { A: "1" }, mock: true, host: "0.0.0.0", port: 9000, token: "t" },
      async () => ({
        runRatd: async (argv: readonly string[], env: unknown) => {
          received = [argv, env];
          return {
            ratd: { url: "http://0.0.0.0:9000" },
            stop: async () => {
              stopped = true;
            },
          };
        },
      }),
    );
    expect(started.url).toBe("http://0.0.0.0:9000");
    expect(received).toEqual([
      ["--host", "0.0.0.0", "--port", "9000", "--token", "t", "--mock"],
      { A: "1" },
    ]);
    await started.close();
    expect(stopped).toBe(true);
    await expect(
      startServer({ env: {}, mock: false }, async () =>
        Promise.reject(new SyntaxError("broken build")),
      ),
    ).rejects.toThrow(/@ratatoskr\/server, which failed to load/);
    await expect(
      startServer({ env: {}, mock: false }, async () => {
        throw new Error("Cannot find package '@ratatoskr/server'");
      }),
    ).rejects.toThrow(/which is not installed: install @ratatoskr\/server/);
  });
});

describe("rat serve", () => {
  it("starts ratd with the flags and stops it cleanly on Ctrl-C (exit 0)", async () => {
    const controller = new AbortController();
    const events: string[] = [];
    let options: ServeOptions | undefined;
    const result = runWith(
      mock,
      ["serve", "--host", "127.0.0.1", "--port", "9741", "--token", "s3cret"],
      {
        signal: controller.signal,
        deps: {
          serve: async (received) => {
            options = received;
            events.push("started");
            queueMicrotask(() => controller.abort());
            return { url: "http://127.0.0.1:9741", close: () => events.push("closed") };
          },
        },
      },
    );
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(events).toEqual(["started", "closed"]);
    expect(options).toMatchObject({ host: "127.0.0.1", port: 9741, token: "s3cret", mock: false });
    expect(stderr).toContain("ratd listening on http://127.0.0.1:9741");
    expect(stderr).not.toContain("s3cret");
  });

  it("rejects a bad port (exit 2)", async () => {
    const result = await runWith(mock, ["serve", "--port", "http"], {
      deps: { serve: async () => Promise.reject(new Error("must not start")) },
    });
    expect(result.code).toBe(2);
  });
});

describe("rat Ctrl-C", () => {
  it("aborts the streaming call, exits 130, and the provider sees the abort", async () => {
    mock.enqueueStream({
      events: [
        { type: "content", text: "first " },
        { type: "content", text: "second" },
        { type: "done", finishReason: "stop" },
      ],
      delayMs: 60_000,
    });
    const controller = new AbortController();
    const stderr = new BufferWriter();
    const running = runWith(mock, ["chat", "-m", "demo-chat", "hi"], {
      signal: controller.signal,
      stderr,
    });
    await expect.poll(() => mock.callsOf("chatStream").length).toBe(1);
    controller.abort();
    const result = await running;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain("interrupted");
    expect(mock.callsOf("chatStream")[0]?.signal.aborted).toBe(true);
  });

  it("an already-aborted signal exits 130 without a call", async () => {
    const result = await runWith(mock, ["embed", "-m", "demo-embed", "x"], {
      signal: AbortSignal.abort(),
    });
    expect(result.code).toBe(130);
  });
});

describe("rat progress on long local work", () => {
  it("prints download progress on stderr while the call waits for the model", async () => {
    const downloading = listedMock();
    const models = downloading.models;
    if (models?.modelStatus === undefined) throw new Error("mock without status");
    const stderr = new BufferWriter();
    const shown = stderr.waitFor("downloading model demo-chat… 40% of 10.0 MB");
    const provider = {
      ...downloading,
      models: {
        ...models,
        modelStatus: async () => ({
          state: "downloading" as const,
          progress: { receivedBytes: 4_200_000, totalBytes: 10_000_000 },
        }),
      },
      chat: {
        stream: async function* (request: ChatRequestV1) {
          await shown; // the call only proceeds once the progress line was printed
          yield* downloading.chat?.stream?.(request) ?? [];
        },
      },
    };
    const result = await runWith(provider, ["chat", "-m", "demo-chat", "hi"], { stderr });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("mock: hi\n");
    expect(result.stderr.match(/downloading model/g)).toHaveLength(1);
  });

  it("a failing status check does not fail the call", async () => {
    mock.failNext("modelStatus", new RatatoskrError({ code: "network", message: "down" }));
    const result = await runWith(mock, ["embed", "-m", "demo-embed", "x"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });
});
