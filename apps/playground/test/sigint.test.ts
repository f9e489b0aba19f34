/**
 * Ctrl+C: the playground server, run as a child process exactly as
 * `pnpm playground` runs it (no keys; the workspace sources stand in for
 * the build), prints its URL, and on SIGINT stops and exits 0, so no
 * package manager reports a failed command.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const APP = fileURLToPath(new URL("..", import.meta.url));

describe("the server process", () => {
  it("exits 0 on SIGINT after saying it stops", async () => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@ratatoskr/source",
        "--experimental-transform-types",
        "--no-warnings",
        "src/main.ts",
      ],
      {
        cwd: APP,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: "0",
          // Nothing is probed or downloaded: no Ollama, offline model cache.
          OLLAMA_HOST: "http://127.0.0.1:9",
          HF_HUB_OFFLINE: "1",
          RATATOSKR_CACHE_DIR: fileURLToPath(new URL("./.no-such-cache", import.meta.url)),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once("exit", (code, signal) => done({ code, signal })),
    );
    await new Promise<void>((ready, failed) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("Ctrl+C to stop")) ready();
      });
      child.once("exit", () => failed(new Error(`exited before starting: ${stdout}${stderr}`)));
    });
    expect(stdout).toMatch(/Playground running at http:\/\/127\.0\.0\.1:\d+\//);
    child.kill("SIGINT");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toContain("Stopping the playground");
    expect(stderr).toBe("");
  });
});
