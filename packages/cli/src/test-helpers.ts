/**
 * Test support: `runCli` with string-buffer io against a real embedded
 * gateway built on the mock provider.
 */
import type { ProviderV1 } from "@ratatoskr/core";
import { Ratatoskr } from "@ratatoskr/gateway";
import { createMockProvider, type MockProvider } from "@ratatoskr/testing";
import type { CliDeps, CliGateway, CliIo } from "./cli-types.ts";
import { MOCK_MODELS } from "./local.ts";
import { runCli } from "./run-cli.ts";

/** A writer that keeps what it got and tells listeners. */
export class BufferWriter {
  text = "";
  #listeners: Array<(text: string) => void> = [];
  write(chunk: string): boolean {
    this.text += chunk;
    for (const listener of this.#listeners) listener(this.text);
    return true;
  }
  /** Resolves once the text written so far contains `needle`. */
  waitFor(needle: string): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve) => {
      this.#listeners.push((text) => {
        if (text.includes(needle)) resolve();
      });
    });
  }
}

/** Options of {@link runWith}. */
export interface RunOptions {
  stdin?: string;
  /** Whether stdin is a terminal (default: true unless `stdin` is given). */
  stdinIsTTY?: boolean;
  isTTY?: boolean;
  env?: Record<string, string>;
  signal?: AbortSignal;
  deps?: Partial<CliDeps>;
  stdout?: BufferWriter;
  stderr?: BufferWriter;
}

/** What a run produced. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A mock provider with the `--mock` models listed. */
export function listedMock(): MockProvider {
  return createMockProvider({ models: { list: MOCK_MODELS } });
}

/** An embedded gateway on `provider`, without retries (an injected failure reaches the CLI). */
export async function gatewayOn(provider: ProviderV1): Promise<CliGateway> {
  return Ratatoskr.builder().retry(false).use(provider).build();
}

/** Deps whose local (and remote) gateway is the embedded one on `provider`. */
export function depsFor(provider: ProviderV1, overrides: Partial<CliDeps> = {}): CliDeps {
  return {
    createLocal: () => gatewayOn(provider),
    connectRemote: () => gatewayOn(provider),
    ...overrides,
  };
}

/** Run `rat argv` against `provider` with string buffers. */
export async function runWith(
  provider: ProviderV1,
  argv: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const stdout = options.stdout ?? new BufferWriter();
  const stderr = options.stderr ?? new BufferWriter();
  const input = options.stdin;
  const io: CliIo = {
    stdout,
    stderr,
    stdin: (async function* () {
      if (input !== undefined) yield new TextEncoder().encode(input);
    })(),
    stdinIsTTY: options.stdinIsTTY ?? input === undefined,
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const code = await runCli(argv, io, depsFor(provider, options.deps));
  return { code, stdout: stdout.text, stderr: stderr.text };
}
