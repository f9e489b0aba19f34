/**
 * Remote mode: a gateway served by a running `ratd`, through
 * `@ratatoskr/client` — loaded on demand, so the CLI works embedded
 * without it.
 */
import { RatatoskrError } from "@ratatoskr/core";
import type { RemoteGateway, RunningServer, ServeOptions } from "./cli-types.ts";
import {
  dynamicImport,
  exportedFunction,
  type Importer,
  importOptional,
} from "./optional-import.ts";

type CreateServiceClient = (url: string, options: { token?: string }) => RemoteGateway;
type RunRatd = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: { out(line: string): void; err(line: string): void },
) => Promise<number | { ratd: { url: string }; stop(): Promise<void> }>;

/**
 * Connect to the daemon at `url` with `@ratatoskr/client`'s
 * `createServiceClient`. Rejects with a `configuration` error ("install
 * @ratatoskr/client") when that package is not installed.
 */
export async function connectRemote(
  url: string,
  token: string | undefined,
  importer: Importer = dynamicImport,
): Promise<RemoteGateway> {
  const specifier = "@ratatoskr/client";
  const module = await importOptional(specifier, "remote mode (--url)", importer);
  const create = exportedFunction<CreateServiceClient>(module, specifier, "createServiceClient");
  return create(url, token === undefined ? {} : { token });
}

/**
 * Start `ratd` as its own command line would (`@ratatoskr/server`'s
 * `runRatd`: the configuration file, the environment's providers, the
 * OpenAI-compatible API on the same port), with these flags. Rejects with a
 * `configuration` error ("install @ratatoskr/server") when that package is
 * not installed.
 */
export async function startServer(
  options: ServeOptions,
  importer: Importer = dynamicImport,
  notice: (line: string) => void = () => {},
): Promise<RunningServer> {
  const specifier = "@ratatoskr/server";
  const module = await importOptional(specifier, "rat serve", importer);
  const runRatd = exportedFunction<RunRatd>(module, specifier, "runRatd");
  const { host, port, token, env, mock } = options;
  const argv = [
    ...(host === undefined ? [] : ["--host", host]),
    ...(port === undefined ? [] : ["--port", String(port)]),
    ...(token === undefined ? [] : ["--token", token]),
    ...(mock ? ["--mock"] : []),
  ];
  const running = await runRatd(argv, env, { out: notice, err: notice });
  if (typeof running === "number") {
    throw new RatatoskrError({ code: "configuration", message: "ratd did not start" });
  }
  return { url: running.ratd.url, close: () => running.stop() };
}
