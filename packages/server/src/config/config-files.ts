/**
 * Where `ratd` finds its files, as the original daemon: the configuration
 * is `--config <path>`, else `~/.ratatoskr/config.toml`, else
 * `/etc/ratatoskr/config.toml`; secrets are `secrets.toml` beside the
 * configuration file used, else `~/.ratatoskr/secrets.toml`, else
 * `/etc/ratatoskr/secrets.toml`. A secrets file readable by group or
 * others is refused.
 */
import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { configError } from "./config-error.ts";

/** The system-wide directory (`/etc/ratatoskr`). */
export const DEFAULT_ETC_DIRECTORY = "/etc/ratatoskr";
/** The configuration file's name. */
export const CONFIG_FILE_NAME = "config.toml";
/** The secrets file's name. */
export const SECRETS_FILE_NAME = "secrets.toml";

/** Where to look: what tests and `ratd` flags override. */
export interface ConfigLocations {
  /** `--config <path>`: used if given (it must exist). */
  readonly path?: string | undefined;
  /** The home directory (default `os.homedir()`): `<home>/.ratatoskr/`. */
  readonly home?: string | undefined;
  /** The system directory (default `/etc/ratatoskr`). */
  readonly etcDirectory?: string | undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function userDirectory(locations: ConfigLocations): string {
  return join(locations.home ?? homedir(), ".ratatoskr");
}

/** The configuration file to read, or undefined when none exists (defaults apply). */
export async function findConfigFile(locations: ConfigLocations): Promise<string | undefined> {
  if (locations.path !== undefined) {
    if (!(await isFile(locations.path))) {
      throw configError(locations.path, undefined, "not found (given with --config)");
    }
    return locations.path;
  }
  for (const directory of [
    userDirectory(locations),
    locations.etcDirectory ?? DEFAULT_ETC_DIRECTORY,
  ]) {
    const candidate = join(directory, CONFIG_FILE_NAME);
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** The secrets file to read, or undefined when none exists (environment variables apply). */
export async function findSecretsFile(
  configFile: string | undefined,
  locations: ConfigLocations,
): Promise<string | undefined> {
  const candidates = [
    ...(configFile === undefined ? [] : [join(dirname(configFile), SECRETS_FILE_NAME)]),
    join(userDirectory(locations), SECRETS_FILE_NAME),
    join(locations.etcDirectory ?? DEFAULT_ETC_DIRECTORY, SECRETS_FILE_NAME),
  ];
  for (const candidate of new Set(candidates)) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Refuse a secrets file that group or others may read or write: its mode
 * must be 0600 or 0400 (any mode without group and other bits). Skipped on
 * Windows, whose files have no such mode (protect it with an ACL there).
 */
export async function assertSecretsMode(
  file: string,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  if (platform === "win32") return;
  const mode = (await stat(file)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw configError(
      file,
      undefined,
      `has mode ${mode.toString(8).padStart(4, "0")}, readable beyond its owner; a secrets file must be 0600 or 0400: run \`chmod 600 ${file}\``,
    );
  }
}
