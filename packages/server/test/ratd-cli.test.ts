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
import { parseRatdArgs, runRatd } from "../src/index.ts";

function collect() {
  const lines: string[] = [];
  return { lines, output: { out: (line: string) => lines.push(line), err: () => {} } };
}

describe("parseRatdArgs", () => {
  it("defaults to loopback on 9741 without a token", () => {
    expect(parseRatdArgs([])).toMatchObject({
      help: false,
      checkConfig: false,
      mock: false,
      options: { host: "127.0.0.1", port: 9741 },
    });
    expect(parseRatdArgs([]).options.token).toBeUndefined();
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
    expect(lines).toContain("ratd: configuration OK");
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
