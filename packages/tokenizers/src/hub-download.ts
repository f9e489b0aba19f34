/**
 * Downloads `tokenizer.json` and `tokenizer_config.json` of a Hugging Face
 * Hub repository once into the cache directory
 * (`<cacheDir>/tokenizers/hub/<org>--<name>/<revision>/`). Files are written
 * atomically and checked against the Hub's size and SHA-256 headers; offline
 * mode never touches the network and says clearly what is missing.
 *
 * @see https://huggingface.co/docs/hub/api#get-apimodelsrepoidrevisionrevision
 * @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables#hfhuboffline
 */
import { createHash } from "node:crypto";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { httpError, networkError } from "@ratatoskr/provider-utils";
import { writeFileAtomic } from "./compact-tokenizer-file.ts";

/** Settings of {@link downloadHubTokenizer}. */
export interface HubDownloadSettings {
  /** Cache root (already resolved). */
  cacheDirectory: string;
  /** Never use the network. */
  offline: boolean;
  /** Hub base URL (default `HF_ENDPOINT`, else `https://huggingface.co`). */
  hubURL?: string;
  /** Access token for gated repositories (default `HF_TOKEN`). Sent only to the Hub URL. */
  hubToken?: string;
  /** `fetch` to use (tests pass one for a loopback fake Hub). */
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}

const REPOSITORY = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const REVISION = /^[\w.-]+$/;
const PROVIDER = "huggingface-hub";

/** The cache folder of a Hub repository at a revision; throws on names that could escape the cache. */
export function hubCacheFolder(
  cacheDirectory: string,
  repository: string,
  revision: string,
): string {
  if (!REPOSITORY.test(repository) || repository.includes("..")) {
    throw new RatatoskrError({
      code: "configuration",
      message: `Invalid Hugging Face repository name "${repository}"`,
    });
  }
  if (!REVISION.test(revision) || revision.includes("..")) {
    throw new RatatoskrError({
      code: "configuration",
      message: `Invalid Hugging Face revision "${revision}"`,
    });
  }
  return join(cacheDirectory, "tokenizers", "hub", repository.replace("/", "--"), revision);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Make sure the repository's tokenizer files are in the cache; returns the
 * folder. `tokenizer.json` is written last, so its presence means complete.
 */
export async function downloadHubTokenizer(
  repository: string,
  revision: string,
  settings: HubDownloadSettings,
): Promise<string> {
  const folder = hubCacheFolder(settings.cacheDirectory, repository, revision);
  if (await exists(join(folder, "tokenizer.json"))) return folder;
  if (settings.offline) {
    throw new RatatoskrError({
      code: "configuration",
      message:
        `The tokenizer of ${repository}@${revision} is not in the cache (${folder}) and offline mode is on ` +
        "(HF_HUB_OFFLINE or the offline setting). Run once with network access, or map the model to a local " +
        "directory with tokenizerMapping(pattern, '/path/to/dir').",
      details: { repository, revision, cacheFolder: folder },
    });
  }
  const base = (settings.hubURL ?? process.env.HF_ENDPOINT ?? "https://huggingface.co").replace(
    /\/+$/,
    "",
  );
  const token = settings.hubToken ?? process.env.HF_TOKEN;
  const fetchImpl = settings.fetch ?? globalThis.fetch;
  const fetchFile = async (file: string, optional: boolean): Promise<Uint8Array | undefined> => {
    const url = `${base}/${repository}/resolve/${encodeURIComponent(revision)}/${file}`;
    let response: Response;
    let linked: LinkedFile;
    try {
      ({ response, linked } = await fetchFollowingRedirects(
        fetchImpl,
        url,
        base,
        token,
        settings.signal,
      ));
    } catch (error) {
      if (settings.signal?.aborted) {
        throw new RatatoskrError({
          code: "aborted",
          message: "The tokenizer download was aborted",
          cause: error,
        });
      }
      if (RatatoskrError.isInstance(error)) throw error;
      throw networkError(PROVIDER, url, error);
    }
    if (response.status === 404 && optional) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      const error = httpError({
        status: response.status,
        headers: response.headers,
        body,
        provider: PROVIDER,
      });
      if (response.status === 401 || response.status === 403) {
        throw new RatatoskrError({
          code: "authentication",
          message: `${repository} on the Hugging Face Hub needs access (gated or private): accept its terms and set HF_TOKEN`,
          status: response.status,
          provider: PROVIDER,
          cause: error,
        });
      }
      if (response.status === 404) {
        throw new RatatoskrError({
          code: "configuration",
          message: `${repository}@${revision} has no ${file} on the Hugging Face Hub`,
          status: 404,
          provider: PROVIDER,
          cause: error,
        });
      }
      throw error;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (settings.signal?.aborted) {
        throw new RatatoskrError({
          code: "aborted",
          message: "The tokenizer download was aborted",
          cause: error,
        });
      }
      throw networkError(PROVIDER, url, error);
    }
    const expectedSize = linked.size ?? response.headers.get("content-length");
    if (
      expectedSize !== null &&
      !response.headers.get("content-encoding") &&
      Number(expectedSize) !== bytes.length
    ) {
      throw new RatatoskrError({
        code: "data",
        message: `Download of ${file} from ${repository} is incomplete (${bytes.length} of ${expectedSize} bytes)`,
        provider: PROVIDER,
        isRetryable: true,
      });
    }
    const etag = (linked.etag ?? "").replaceAll('"', "");
    if (/^[0-9a-f]{64}$/.test(etag)) {
      const digest = createHash("sha256").update(bytes).digest("hex");
      if (digest !== etag) {
        throw new RatatoskrError({
          code: "data",
          message: `Download of ${file} from ${repository} does not match the Hub's SHA-256`,
          provider: PROVIDER,
          isRetryable: true,
        });
      }
    }
    return bytes;
  };
  const config = await fetchFile("tokenizer_config.json", true);
  const tokenizer = await fetchFile("tokenizer.json", false);
  if (config) await writeFileAtomic(join(folder, "tokenizer_config.json"), config);
  await writeFileAtomic(join(folder, "tokenizer.json"), tokenizer!);
  return folder;
}

const MAX_REDIRECTS = 5;

/** Size and SHA-256 the Hub announces for a (Git LFS) file. */
interface LinkedFile {
  size?: string | undefined;
  etag?: string | undefined;
}

/**
 * GET `url`, following redirects by hand so the token goes only to the Hub's
 * own origin (large files redirect to a CDN, which must not receive it).
 */
async function fetchFollowingRedirects(
  fetchImpl: typeof globalThis.fetch,
  url: string,
  base: string,
  token: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ response: Response; linked: LinkedFile }> {
  const hubOrigin = new URL(base).origin;
  const linked: LinkedFile = {};
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const sameOrigin = new URL(current).origin === hubOrigin;
    const response = await fetchImpl(current, {
      headers: token && sameOrigin ? { authorization: `Bearer ${token}` } : {},
      redirect: "manual",
      ...(signal ? { signal } : {}),
    });
    // The Hub puts the LFS file's size and SHA-256 on the redirect, not on the CDN's answer.
    linked.size ??= response.headers.get("x-linked-size") ?? undefined;
    linked.etag ??= response.headers.get("x-linked-etag") ?? undefined;
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) {
      return { response, linked };
    }
    await response.body?.cancel();
    if (redirects >= MAX_REDIRECTS) {
      throw new RatatoskrError({
        code: "network",
        message: `Too many redirects downloading ${url}`,
        provider: PROVIDER,
      });
    }
    current = new URL(location, current).toString();
  }
}
