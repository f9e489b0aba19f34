/**
 * The on-disk copy of a remote registry: one file per URL under
 * `<cacheDirectory>/model-registry/`, holding the document and its `ETag`
 * together, so one atomic rename replaces both (a copy never pairs one
 * document with another's ETag). Written to a temporary file in the same
 * directory and renamed into place: a crash or a full disk leaves the old
 * copy or the new one, never half of one.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { isRecord } from "./data-reader.ts";
import { ModelRegistry } from "./model-registry.ts";

const CACHE_FORMAT = "ratatoskr-model-registry-cache";

/** A remote registry copy read from disk. */
export interface CachedRegistry {
  /** The registry read from the copy. */
  readonly registry: ModelRegistry;
  /** The remote URL it is a copy of. */
  readonly url: string;
  /** The `ETag` the server sent with it, for `If-None-Match`. */
  readonly etag?: string;
  /** When it was fetched (ISO 8601). */
  readonly fetchedAt: string;
  /** The file it was read from. */
  readonly path: string;
}

/** The cache file for `url` in `cacheDirectory`. */
export function registryCachePath(cacheDirectory: string, url: string): string {
  const key = createHash("sha256").update(url).digest("hex").slice(0, 24);
  return join(cacheDirectory, "model-registry", `${key}.json`);
}

/**
 * The cached copy for `url`: `{ cached }`, `{ missing: true }` when there is
 * none, or `{ error }` when the file cannot be read or used (corrupt, or a
 * format this package cannot read) — a broken cache is reported, never
 * thrown.
 */
export async function readRegistryCache(
  cacheDirectory: string,
  url: string,
): Promise<{ cached?: CachedRegistry; missing?: true; error?: RatatoskrError }> {
  const path = registryCachePath(cacheDirectory, url);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return { missing: true };
    return { error: cacheError(`cannot read the cached registry at ${path}`, cause) };
  }
  try {
    const envelope: unknown = JSON.parse(text);
    if (
      !isRecord(envelope) ||
      envelope.format !== CACHE_FORMAT ||
      envelope.url !== url ||
      typeof envelope.fetchedAt !== "string"
    ) {
      return { error: cacheError(`the cached registry at ${path} is not one this package wrote`) };
    }
    const registry = ModelRegistry.fromPayload(envelope.registry, {
      origin: `cached registry (${path})`,
      adopt: true,
    });
    return {
      cached: {
        registry,
        url,
        ...(typeof envelope.etag === "string" ? { etag: envelope.etag } : {}),
        fetchedAt: envelope.fetchedAt,
        path,
      },
    };
  } catch (cause) {
    return {
      error: RatatoskrError.isInstance(cause)
        ? cause
        : cacheError(`the cached registry at ${path} is not valid JSON`, cause),
    };
  }
}

/**
 * Store `text` (the remote registry as the server sent it, already checked)
 * with its ETag, atomically. Throws a `configuration` error when the
 * directory cannot be written; the temporary file is removed on every
 * failure.
 */
export async function writeRegistryCache(
  cacheDirectory: string,
  entry: { url: string; etag?: string | undefined; fetchedAt: string; text: string },
): Promise<string> {
  const path = registryCachePath(cacheDirectory, entry.url);
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const header = JSON.stringify({
    format: CACHE_FORMAT,
    url: entry.url,
    ...(entry.etag === undefined ? {} : { etag: entry.etag }),
    fetchedAt: entry.fetchedAt,
  });
  // The document goes in as the server sent it (it parsed as JSON), not parsed and written again.
  const text = `${header.slice(0, -1)},"registry":${entry.text}}`;
  try {
    await mkdir(join(cacheDirectory, "model-registry"), { recursive: true });
    await writeFile(temporary, text, { flag: "wx" });
    await rename(temporary, path);
    return path;
  } catch (cause) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new RatatoskrError({
      code: "configuration",
      message: `cannot write the registry cache at ${path}: ${(cause as Error).message}`,
      cause,
    });
  }
}

function cacheError(message: string, cause?: unknown): RatatoskrError {
  return new RatatoskrError({ code: "data", message, ...(cause === undefined ? {} : { cause }) });
}
