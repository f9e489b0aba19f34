/**
 * What every command shares: the parsed global flags, the output helpers
 * and the gateway, opened on first use (remote or embedded) and closed when
 * the command ends.
 */

import { UsageError } from "./cli-errors.ts";
import type { CliDeps, CliGateway, CliIo } from "./cli-types.ts";
import { watchModelProgress } from "./progress.ts";

/** The global flags, after the environment filled the gaps. */
export interface GlobalFlags {
  url?: string;
  token?: string;
  local: boolean;
  json: boolean;
  timeout?: number;
  mock: boolean;
}

/** Parse a positive integer flag value, or throw a usage error naming the flag. */
export function parsePositiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed <= 0)
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return parsed;
}

/** Parse a number flag value, or throw a usage error naming the flag. */
export function parseNumber(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed))
    throw new UsageError(`${flag} must be a number, got "${value}"`);
  return parsed;
}

/** The state of one `rat` run. */
export class CliContext {
  readonly io: CliIo;
  readonly deps: CliDeps;
  readonly signal: AbortSignal;
  #flags: GlobalFlags | undefined;
  #gateway: Promise<CliGateway> | undefined;
  /** Set by `serve`, which handles Ctrl-C itself (a clean stop, exit 0). */
  handlesInterrupt = false;

  constructor(io: CliIo, deps: CliDeps, signal: AbortSignal) {
    this.io = io;
    this.deps = deps;
    this.signal = signal;
  }

  /** The global flags (set once the command line is parsed). */
  get flags(): GlobalFlags {
    if (this.#flags === undefined) throw new Error("flags read before parsing");
    return this.#flags;
  }

  /** Record the global flags of the command being run. */
  setFlags(raw: Record<string, unknown>): void {
    const env = this.io.env;
    const mock = raw.mock === true;
    const timeout =
      typeof raw.timeout === "string" ? parsePositiveInteger(raw.timeout, "--timeout") : undefined;
    const url = (raw.url as string | undefined) ?? (env.RATATOSKR_URL || undefined);
    const token = (raw.token as string | undefined) ?? (env.RATATOSKR_TOKEN || undefined);
    this.#flags = {
      local: raw.local === true || mock || url === undefined,
      json: raw.json === true,
      mock,
      ...(url === undefined ? {} : { url }),
      ...(token === undefined ? {} : { token }),
      ...(timeout === undefined ? {} : { timeout }),
    };
  }

  /** Whether the embedded gateway serves this run. */
  get isLocal(): boolean {
    return this.flags.local;
  }

  /** The gateway: connected or built on first use. */
  gateway(): Promise<CliGateway> {
    if (this.#gateway === undefined) {
      const flags = this.flags;
      this.#gateway =
        flags.local || flags.url === undefined
          ? this.deps.createLocal(this.io.env, {
              mock: flags.mock,
              notice: (line) => this.warn(line),
            })
          : this.deps.connectRemote(flags.url, flags.token);
    }
    return this.#gateway;
  }

  /** Close the gateway if it was opened (remote connections). */
  async close(): Promise<void> {
    const opened = this.#gateway;
    this.#gateway = undefined;
    if (opened === undefined) return;
    const gateway = await opened.catch(() => undefined);
    await gateway?.close?.();
  }

  /** The options every call gets: the abort signal and `--timeout`. */
  callOptions(): { signal: AbortSignal; timeout?: number } {
    const timeout = this.flags.timeout;
    return timeout === undefined ? { signal: this.signal } : { signal: this.signal, timeout };
  }

  /** `--model`, or `RATATOSKR_MODEL`, or a usage error. */
  model(flag: unknown): string {
    const model = (typeof flag === "string" && flag) || this.io.env.RATATOSKR_MODEL;
    if (!model) throw new UsageError("no model: pass --model <model> or set RATATOSKR_MODEL");
    return model;
  }

  /** Write text to stdout. */
  print(text: string): void {
    this.io.stdout.write(text);
  }

  /** Write one JSON document (one line) to stdout. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** `value` as JSON with `--json`, else the text lines `text()` makes. */
  output(value: unknown, text: () => string): void {
    if (this.flags.json) this.printJson(value);
    else {
      const lines = text();
      this.print(lines.endsWith("\n") || lines === "" ? lines : `${lines}\n`);
    }
  }

  /** A line on stderr. */
  warn(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Run `call` while showing `model`'s download or load progress on stderr. */
  async withProgress<T>(gateway: CliGateway, model: string, call: () => Promise<T>): Promise<T> {
    const stop = watchModelProgress(gateway, model, (line) => this.io.stderr.write(line));
    try {
      return await call();
    } finally {
      stop();
    }
  }

  /** The prompt: the arguments joined, or stdin when it is piped and there are none. */
  async prompt(words: readonly string[]): Promise<string> {
    if (words.length > 0) return words.join(" ");
    if (this.io.stdinIsTTY !== true) {
      const decoder = new TextDecoder();
      let text = "";
      for await (const chunk of this.io.stdin)
        text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      text += decoder.decode();
      const trimmed = text.replace(/\s+$/, "");
      if (trimmed !== "") return trimmed;
    }
    throw new UsageError("no prompt: pass it as arguments or pipe it on stdin");
  }
}
