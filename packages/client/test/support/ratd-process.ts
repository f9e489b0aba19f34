/**
 * A real `ratd` as a child process: the server package's bin run from its
 * TypeScript sources (`--conditions=@ratatoskr/source`), ready once it
 * prints `ratd: listening on <url>` (an event, never a sleep), killed with
 * SIGKILL as a crash would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const RATD_BIN = fileURLToPath(new URL("../../../server/src/bin/ratd.ts", import.meta.url));

/** A running ratd process. */
export interface RatdProcess {
  /** `http://127.0.0.1:<port>`, from its readiness line. */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** SIGKILL it; resolves once it has exited. */
  kill(): Promise<void>;
}

/** Spawn `ratd` with `args` and `env`; resolves once it listens, rejects if it exits first. */
export async function spawnRatd(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<RatdProcess> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=@ratatoskr/source",
      // The generated protocol code has TypeScript enums, beyond type stripping.
      "--experimental-transform-types",
      "--no-warnings",
      RATD_BIN,
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", ...env } },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`ratd exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
