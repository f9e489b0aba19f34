/**
 * `secrets.toml`, in the original's layout: one table per provider with
 * its `api_key` (`[openrouter] api_key = "…"`), plus this daemon's
 * `[server] token` and `[redis] url` (a Redis URL may hold a password). Values are wrapped in {@link Secret} at once, and
 * errors about this file describe values by type only.
 */
import { Secret } from "./secret.ts";
import { TableReader } from "./table-reader.ts";

/** Provider tables a secrets file may hold (the original's, plus `ollama` for a hosted Ollama's key). */
export const SECRET_PROVIDER_NAMES = [
  "openrouter",
  "anthropic",
  "openai",
  "google",
  "huggingface",
  "ollama",
] as const;

/** What a secrets file holds. */
export interface SecretsSection {
  /** API keys by provider table name. */
  readonly apiKeys: ReadonlyMap<string, Secret>;
  /** `[server].token`. */
  readonly token: Secret | undefined;
  /** `[redis].url`. */
  readonly redisUrl: Secret | undefined;
}

/** No secrets file. */
export const NO_SECRETS: SecretsSection = {
  apiKeys: new Map(),
  token: undefined,
  redisUrl: undefined,
};

/** Read the parsed `secrets.toml` at `file`. */
export function readSecrets(file: string, parsed: Record<string, unknown>): SecretsSection {
  const top = new TableReader(file, "", parsed, { secret: true });
  const apiKeys = new Map<string, Secret>();
  for (const name of SECRET_PROVIDER_NAMES) {
    const table = top.table(name);
    if (table === undefined) continue;
    const key = table.string("api_key");
    table.finish(["api_key"]);
    if (key !== undefined) apiKeys.set(name, new Secret(key, `${file} [${name}].api_key`));
  }
  const server = top.table("server");
  const token = server?.string("token");
  server?.finish(["token"]);
  const redis = top.table("redis");
  const redisUrl = redis?.string("url");
  redis?.finish(["url"]);
  top.finish([...SECRET_PROVIDER_NAMES, "server", "redis"]);
  return {
    apiKeys,
    token: token === undefined ? undefined : new Secret(token, `${file} [server].token`),
    redisUrl: redisUrl === undefined ? undefined : new Secret(redisUrl, `${file} [redis].url`),
  };
}
