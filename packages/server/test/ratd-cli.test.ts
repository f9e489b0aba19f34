/**
 * The `ratd` command line: flags, RATATOSKR_TOKEN, --check-config, --mock,
 * and the real bin process closing gracefully on SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Ratatoskr } from "@ratatoskr/protocol";
import { describe, expect, it } from "vitest";
import { configSandbox } from "../src/config/config.test-helpers.ts";
import {
  DEFAULT_GRACE_MS,
  loadRatdConfig,
  parseRatdArgs,
  resolveRatdOptions,
  runRatd,
} from "../src/index.ts";

function collect() {
  const lines: string[] = [];
  return { lines, output: { out: (line: string) => lines.push(line), err: () => {} } };
}

describe("parseRatdArgs", () => {
  it("defaults to loopback on 9741 without a token", async () => {
    const sandbox = await configSandbox();
    try {
      const command = parseRatdArgs([]);
      expect(command).toMatchObject({ help: false, checkConfig: false, mock: false, options: {} });
      const defaults = await loadRatdConfig({
        home: sandbox.home,
        etcDirectory: sandbox.etc,
        env: {},
      });
      const { options, graceMs } = resolveRatdOptions(command, defaults);
      expect(options).toEqual({ host: "127.0.0.1", port: 9741 });
      expect(graceMs).toBe(DEFAULT_GRACE_MS);
    } finally {
      await sandbox.remove();
    }
  });

  it("reads the flags, and the token from RATATOSKR_TOKEN unless --token is given", () => {
    const command = parseRatdArgs(
      ["--host", "0.0.0.0", "--port", "0", "--max-concurrent", "8", "--read-max-bytes", "1024"],
      { RATATOSKR_TOKEN: "from-env" },
    );
    expect(command.options).toMatchObject({
      host: "0.0.0.0",
      port: 0,
      token: "from-env",
      maxConcurrentCalls: 8,
      readMaxBytes: 1024,
    });
    expect(parseRatdArgs(["--token", "flag"], { RATATOSKR_TOKEN: "env" }).options.token).toBe(
      "flag",
    );
  });

  it("refuses bad flags as configuration errors naming them", () => {
    expect(() => parseRatdArgs(["--port", "abc"])).toThrow(
      expect.objectContaining({ code: "configuration", details: { field: "--port" } }),
    );
    expect(() => parseRatdArgs(["--nope"])).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
    expect(() => parseRatdArgs(["--tls-cert", "c.pem"])).toThrow(
      expect.objectContaining({ details: { field: "--tls-cert" } }),
    );
  });
});

describe("runRatd", () => {
  it("--check-config refuses a non-loopback host without a token", async () => {
    const { output } = collect();
    await expect(
      runRatd(["--check-config", "--mock", "--host", "0.0.0.0"], {}, output),
    ).rejects.toMatchObject({ code: "configuration", details: { field: "token" } });
  });

  it("--check-config accepts the mock provider and exits 0", async () => {
    const { lines, output } = collect();
    expect(await runRatd(["--check-config", "--mock"], {}, output)).toBe(0);
    expect(lines[0]).toMatch(/^ratd: configuration OK/);
  });

  it("--help prints the usage", async () => {
    const { lines, output } = collect();
    expect(await runRatd(["--help"], {}, output)).toBe(0);
    expect(lines.join("\n")).toContain("--check-config");
  });

  it("--mock serves the mock provider", async () => {
    const { lines, output } = collect();
    const running = await runRatd(["--mock", "--port", "0"], {}, output);
    if (typeof running === "number") throw new Error("ratd did not start");
    try {
      expect(lines[0]).toBe(`ratd: listening on ${running.ratd.url}`);
      const client = createClient(Ratatoskr, createGrpcTransport({ baseUrl: running.ratd.url }));
      expect(await client.health({})).toMatchObject({ healthy: true, providers: ["mock"] });
    } finally {
      await running.stop();
    }
  });
});

describe("runRatd with a configuration file", () => {
  const config = (port: number) => `[server]
address = "127.0.0.1:${port}"

[limits]
max_concurrent_requests = 7
max_concurrent_requests_per_client = 2
shutdown_grace_secs = 2

[providers.ollama]
base_url = "http://127.0.0.1:9"
`;

  it("--check-config reads it, creates its providers and prints the summary", async () => {
    const sandbox = await configSandbox();
    try {
      const file = await sandbox.write(`${sandbox.other}/ratd.toml`, config(9741));
      const { lines, output } = collect();
      expect(
        await runRatd(["--check-config", "--config", file], { HOME: sandbox.home }, output),
      ).toBe(0);
      expect(lines[0]).toContain("ratd: configuration OK");
      expect(lines[0]).toContain(file);
      expect(lines[0]).toContain("ollama");
    } finally {
      await sandbox.remove();
    }
  });

  it("takes [server] and [limits] from the file, and the flags win over them", async () => {
    const sandbox = await configSandbox();
    try {
      const file = await sandbox.write(`${sandbox.other}/ratd.toml`, config(9741));
      const loaded = await loadRatdConfig({
        path: file,
        home: sandbox.home,
        etcDirectory: sandbox.etc,
        env: {},
      });
      const fromFile = resolveRatdOptions(parseRatdArgs([]), loaded);
      expect(fromFile.options).toMatchObject({
        host: "127.0.0.1",
        port: 9741,
        maxConcurrentCalls: 7,
        maxConcurrentCallsPerClient: 2,
      });
      expect(fromFile.graceMs).toBe(2000);
      const flags = resolveRatdOptions(
        parseRatdArgs([
          "--port",
          "0",
          "--max-concurrent",
          "3",
          "--max-concurrent-per-client",
          "1",
          "--grace-ms",
          "5",
        ]),
        loaded,
      );
      expect(flags.options).toMatchObject({
        port: 0,
        maxConcurrentCalls: 3,
        maxConcurrentCallsPerClient: 1,
      });
      expect(flags.graceMs).toBe(5);
    } finally {
      await sandbox.remove();
    }
  });

  it("a mistake in the file stops ratd with a configuration error naming the file and the key", async () => {
    const sandbox = await configSandbox();
    try {
      const file = await sandbox.write(
        `${sandbox.other}/ratd.toml`,
        '[limits]\nmax_concurrent_requests = "many"\n',
      );
      const error = await runRatd(
        ["--config", file, "--mock"],
        { HOME: sandbox.home },
        collect().output,
      ).then(
        () => undefined,
        (caught: unknown) => caught as { code: string; message: string },
      );
      expect(error?.code).toBe("configuration");
      expect(error?.message).toContain(file);
      expect(error?.message).toContain("max_concurrent_requests");
    } finally {
      await sandbox.remove();
    }
  });
});

describe("the OpenAI-compatible API on ratd's port", () => {
  it("answers GET /v1/models and POST /v1/chat/completions beside the RPCs", async () => {
    const { output } = collect();
    const running = await runRatd(["--mock", "--port", "0"], {}, output);
    if (typeof running === "number") throw new Error("ratd did not start");
    try {
      const models = await fetch(`${running.ratd.url}/v1/models`);
      expect(models.status).toBe(200);
      expect(await models.json()).toMatchObject({ object: "list" });
      const chat = await fetch(`${running.ratd.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "mock-model",
          messages: [{ role: "user", content: "hello there" }],
        }),
      });
      expect(chat.status).toBe(200);
      const body = (await chat.json()) as {
        object: string;
        choices: { message: { content: string } }[];
      };
      expect(body.object).toBe("chat.completion");
      expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
  });
});

describe("the ratd bin", () => {
  it("starts, serves, and exits 0 on SIGTERM", async () => {
    const bin = fileURLToPath(new URL("../src/bin/ratd.ts", import.meta.url));
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "--conditions=@ratatoskr/source",
        // The generated protocol code has TypeScript enums, beyond type stripping.
        "--experimental-transform-types",
        "--no-warnings",
        bin,
        "--mock",
        "--port",
        "0",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout! });
        lines.on("line", (line) => {
          const match = /listening on (\S+)/.exec(line);
          if (match) resolve(match[1]!);
        });
        child.once("exit", (code) => reject(new Error(`ratd exited with ${code}`)));
      });
      const client = createClient(Ratatoskr, createGrpcTransport({ baseUrl: url }));
      expect((await client.health({})).healthy).toBe(true);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
