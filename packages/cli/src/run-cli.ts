/**
 * `runCli`: the whole `rat` command line as a function of its arguments,
 * its io and its gateway factories — the bin only wires `process`.
 */
import { Command, CommanderError, Option } from "commander";
import { CliContext } from "./cli-context.ts";
import { reportFailure } from "./cli-errors.ts";
import type { CliDeps, CliIo } from "./cli-types.ts";
import { registerAnalysisCommands } from "./commands/analysis-commands.ts";
import { registerChatCommands } from "./commands/chat-commands.ts";
import { registerInfoCommands, registerRouteCommand } from "./commands/info-commands.ts";
import { registerServeCommand } from "./commands/serve-command.ts";
import { EXIT_CODE_HELP, EXIT_CODES } from "./exit-codes.ts";

/** The environment variables `rat` reads, as `rat --help` prints them. */
export const ENVIRONMENT_HELP = `Environment:
  RATATOSKR_URL     daemon URL (remote mode; same as --url)
  RATATOSKR_TOKEN   bearer token for the daemon (same as --token; never printed)
  RATATOSKR_MODEL   default --model
  RATATOSKR_DEBUG   1: print error details and stacks
  NO_COLOR          set: no ANSI colour (reasoning is not dimmed)
  provider keys     local mode loads every provider the environment configures
                    (OPENROUTER_API_KEY, ANTHROPIC_API_KEY, OLLAMA_HOST, …)`;

const MODE_HELP = `Mode: with --url or RATATOSKR_URL, rat talks to a running ratd (remote);
otherwise, or with --local, it runs the gateway in this process (embedded).`;

function buildProgram(
  ctx: CliContext,
  run: (body: () => Promise<number>) => Promise<void>,
  json: boolean,
): Command {
  const program = new Command("rat")
    .description(
      "Ratatoskr command line: one gateway for chat, embeddings, NLI, classification and tokens",
    )
    .option("--url <url>", "daemon URL (default: $RATATOSKR_URL); remote mode")
    .option("--token <token>", "daemon bearer token (default: $RATATOSKR_TOKEN)")
    .option("--local", "run the gateway embedded, even when a URL is set")
    .option("--json", "machine-readable output (one JSON document; NDJSON events when streaming)")
    .option("--timeout <ms>", "deadline of each call, in milliseconds")
    .addOption(new Option("--mock", "use the mock provider (demos, tests)").hideHelp())
    .showHelpAfterError(json ? false : "(rat --help lists the commands and flags)")
    .addHelpText("after", `\n${MODE_HELP}\n\n${ENVIRONMENT_HELP}\n\n${EXIT_CODE_HELP}\n`)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: (text, write) => {
        const message = text.replace(/^error: /, "").trimEnd();
        write(
          json
            ? `${JSON.stringify({ error: { code: "usage", message, exitCode: EXIT_CODES.usage } })}\n`
            : `error [usage]: ${message}\n`,
        );
      },
    });
  program.hook("preAction", (_program, action) => {
    ctx.setFlags(action.optsWithGlobals());
  });
  registerInfoCommands(program, ctx, run);
  registerRouteCommand(program, ctx, run);
  registerChatCommands(program, ctx, run);
  registerAnalysisCommands(program, ctx, run);
  registerServeCommand(program, ctx, run);
  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/**
 * Run `rat` with `argv` (the arguments after the program name) and return
 * its exit code (see `EXIT_CODES`). Never throws and never exits the
 * process: output goes to `io`, gateways come from `deps`, and aborting
 * `io.signal` (Ctrl-C) cancels the in-flight call and returns 130.
 *
 * @example
 * ```ts
 * const code = await runCli(["chat", "--model", "gpt-4o", "hello"], io, deps);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<number> {
  const controller = new AbortController();
  const ctx = new CliContext(io, deps, controller.signal);
  const json = argv.includes("--json");
  const debug = io.env.RATATOSKR_DEBUG === "1";
  const fail = (error: unknown) =>
    reportFailure(error, (text) => io.stderr.write(text), { json, debug });
  let exitCode: number = EXIT_CODES.ok;
  const run = async (body: () => Promise<number>) => {
    exitCode = await body();
  };

  let onInterrupt: (() => void) | undefined;
  const interrupted = new Promise<number>((resolve) => {
    onInterrupt = () => {
      controller.abort(io.signal?.reason);
      if (ctx.handlesInterrupt) return;
      io.stderr.write(
        json
          ? `${JSON.stringify({ error: { code: "aborted", message: "interrupted", exitCode: 130 } })}\n`
          : "interrupted\n",
      );
      resolve(EXIT_CODES.interrupted);
    };
  });
  if (io.signal?.aborted) onInterrupt?.();
  else io.signal?.addEventListener("abort", () => onInterrupt?.(), { once: true });

  const main = (async (): Promise<number> => {
    try {
      await buildProgram(ctx, run, json).parseAsync([...argv], { from: "user" });
      return exitCode;
    } catch (error) {
      // Help asked for (`--help`, `help`) is a success; help shown because
      // no command was given is a usage error.
      if (error instanceof CommanderError)
        return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
      if (controller.signal.aborted && !ctx.handlesInterrupt) return EXIT_CODES.interrupted;
      return fail(error);
    } finally {
      await ctx.close().catch(() => undefined);
    }
  })();
  return Promise.race([main, interrupted]);
}
