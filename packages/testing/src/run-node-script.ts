/**
 * Run a short ES module script in a fresh Node process and capture what it
 * printed — for checks on what really reaches stdout and stderr
 * (`console.error(error)`, warnings, an SDK's own logging), which a spy on
 * `console` inside the test process cannot see.
 */
import { execFile } from "node:child_process";

/** Options of {@link runNodeScript}. */
export interface RunNodeScriptOptions {
  /** Working directory; workspace packages resolve from here (a package root). */
  cwd: string;
  /** Extra environment variables (added to the current environment). */
  env?: Record<string, string>;
  /**
   * Kill the process after this long (default: never — the calling test's
   * own timeout is the hang guard; a busy CI machine only makes it slower).
   */
  timeoutMs?: number;
}

/** What a script run produced. */
export interface NodeScriptResult {
  /** Exit code (null when killed). */
  status: number | null;
  /** What the script wrote to standard output. */
  stdout: string;
  /** What the script wrote to standard error. */
  stderr: string;
}

/**
 * Run `script` (an ES module source) with this process's Node and the
 * workspace's `@ratatoskr/source` export condition, asynchronously — so a
 * loopback server in the calling test keeps answering the script's requests.
 */
export function runNodeScript(
  script: string,
  options: RunNodeScriptOptions,
): Promise<NodeScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@ratatoskr/source", "--input-type=module", "-e", script],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        encoding: "utf8",
        timeout: options.timeoutMs ?? 0,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** What {@link printedFailure} runs. */
export interface PrintedFailureScript {
  /** Import statements (e.g. `import { createOllama } from "@ratatoskr/provider-ollama";`). */
  imports: string;
  /** A JavaScript expression that rejects (a promise, or an async IIFE draining a stream). */
  call: string;
}

/**
 * Run `call` in a fresh Node process and print its rejection every way an
 * application would log it — `console.error(error)`, `console.log(error)`,
 * `String(error)`, `error.stack`, `JSON.stringify(error)` — returning
 * everything the process wrote to stdout and stderr (the SDK's own logging
 * and warnings included). A call that resolves prints `resolved: no error`.
 */
export function printedFailure(
  script: PrintedFailureScript,
  options: RunNodeScriptOptions,
): Promise<NodeScriptResult> {
  return runNodeScript(
    `${script.imports}
try {
  await (${script.call});
  console.log("resolved: no error");
} catch (error) {
  console.error(error);
  console.log(error);
  console.error(String(error));
  console.error(error?.stack);
  console.log(JSON.stringify(error));
}`,
    options,
  );
}
