/**
 * Remote mode: a gateway served by a running `ratd`, through
 * `@ratatoskr/client` — loaded on demand, so the CLI works embedded
 * without it.
 */
import type { RemoteGateway, RunningServer, ServeOptions } from "./cli-types.ts";
import {
  dynamicImport,
  exportedFunction,
  type Importer,
  importOptional,
} from "./optional-import.ts";

type CreateServiceClient = (url: string, options: { token?: string }) => RemoteGateway;
type StartRatd = (options: Record<string, unknown>) => Promise<RunningServer>;

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
 * Start `ratd` with `@ratatoskr/server`'s `startRatd`. Rejects with a
 * `configuration` error ("install @ratatoskr/server") when that package is
 * not installed.
 */
export async function startServer(
  options: ServeOptions,
  importer: Importer = dynamicImport,
): Promise<RunningServer> {
  const specifier = "@ratatoskr/server";
  const module = await importOptional(specifier, "rat serve", importer);
  const startRatd = exportedFunction<StartRatd>(module, specifier, "startRatd");
  const { host, port, token, env, mock } = options;
  return startRatd({
    env,
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
    ...(token === undefined ? {} : { token }),
    ...(mock ? { mock: true } : {}),
  });
}
