/**
 * `serve`: run `ratd` (`@ratatoskr/server`'s `runRatd`) until Ctrl-C,
 * which stops it cleanly (exit 0).
 */
import type { Command } from "commander";
import { type CliContext, parsePositiveInteger } from "../cli-context.ts";
import { EXIT_CODES } from "../exit-codes.ts";
import { startServer } from "../remote.ts";
import type { Runner } from "./info-commands.ts";

/** Register `serve` on `program`. */
export function registerServeCommand(program: Command, ctx: CliContext, run: Runner): void {
  program
    .command("serve")
    .description("run the ratd daemon (default 127.0.0.1:9741) until Ctrl-C")
    .option("--host <host>", "address to listen on (beyond loopback a token is required)")
    .option("--port <port>", "port to listen on")
    .action((flags: { host?: string; port?: string }) =>
      run(async () => {
        const port =
          flags.port === undefined ? undefined : parsePositiveInteger(flags.port, "--port");
        ctx.handlesInterrupt = true;
        const start = ctx.deps.serve ?? ((options) => startServer(options));
        const token = ctx.flags.token;
        const server = await start({
          env: ctx.io.env,
          mock: ctx.flags.mock,
          ...(flags.host === undefined ? {} : { host: flags.host }),
          ...(port === undefined ? {} : { port }),
          ...(token === undefined ? {} : { token }),
        });
        ctx.warn(
          `ratd listening${server.url === undefined ? "" : ` on ${server.url}`} (Ctrl-C stops)`,
        );
        if (!ctx.signal.aborted)
          await new Promise<void>((resolve) =>
            ctx.signal.addEventListener("abort", () => resolve(), { once: true }),
          );
        ctx.warn("ratd stopping…");
        await server.close();
        return EXIT_CODES.ok;
      }),
    );
}
