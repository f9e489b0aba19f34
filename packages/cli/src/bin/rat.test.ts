import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

interface Spawned {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the `rat` bin from source in a fresh Node process. */
function rat(args: readonly string[], stdin?: string): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@ratatoskr/source", "src/bin/rat.ts", ...args],
      {
        cwd: packageRoot,
        env: { ...process.env, RATATOSKR_URL: "", NO_COLOR: "1" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

describe("the rat bin", () => {
  it("prints its help with the exit codes", async () => {
    const result = await rat(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: rat");
    expect(result.stdout).toContain("Exit codes:");
  });

  it("chats end to end with --local --mock, the prompt piped on stdin", async () => {
    const result = await rat(
      ["--local", "--mock", "chat", "--model", "demo-chat"],
      "hello from a pipe\n",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("mock: hello from a pipe\n");
    expect(result.status).toBe(0);
  });

  it("exits 2 on a usage error", async () => {
    const result = await rat(["--local", "--mock", "nli", "premise-only"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error [usage]:");
  });
});
