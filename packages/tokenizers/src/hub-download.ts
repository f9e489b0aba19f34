/**
 * Downloads `tokenizer.json` and `tokenizer_config.json` of a Hugging Face
 * Hub repository once into the cache directory
 * (`<cacheDir>/tokenizers/hub/<org>--<name>/<revision>/`), with
 * `@ratatoskr/provider-utils`' {@link HubFileDownloader}: redirects followed
 * by hand (the token only to the Hub's origin), size and SHA-256 checked,
 * files written atomically, one download per file however many callers;
 * offline mode never touches the network and says clearly what is missing.
 *
 * @see https://huggingface.co/docs/hub/api#get-apimodelsrepoidrevisionrevision
 * @see https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables#hfhuboffline
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import {
  assertHubNames,
  type HubCacheLayout,
  HubFileDownloader,
} from "@ratatoskr/provider-utils/hub";

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
  /** Ends this caller's wait; a download shared with other callers goes on. */
  signal?: AbortSignal;
}

const PROVIDER = "huggingface-hub";

/** `<cacheDir>/tokenizers/hub/<org>--<name>/<revision>/`, no record of absent files. */
const TOKENIZER_CACHE_LAYOUT: HubCacheLayout = {
  snapshot: (cacheDirectory, repository, revision) =>
    join(cacheDirectory, "tokenizers", "hub", repository.replace("/", "--"), revision),
};

/** The cache folder of a Hub repository at a revision; throws on names that could escape the cache. */
export function hubCacheFolder(
  cacheDirectory: string,
  repository: string,
  revision: string,
): string {
  assertHubNames(repository, revision);
  return TOKENIZER_CACHE_LAYOUT.snapshot(cacheDirectory, repository, revision);
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
 * folder. `tokenizer.json` is fetched last, so its presence means complete.
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
  const token = settings.hubToken ?? process.env.HF_TOKEN;
  const downloader = new HubFileDownloader({
    cacheDirectory: settings.cacheDirectory,
    layout: TOKENIZER_CACHE_LAYOUT,
    offline: false,
    provider: PROVIDER,
    ...(settings.hubURL ? { hubURL: settings.hubURL } : {}),
    ...(token ? { token } : {}),
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  await downloader.file(
    { repository, revision, path: "tokenizer_config.json", optional: true },
    settings.signal,
  );
  try {
    await downloader.file({ repository, revision, path: "tokenizer.json" }, settings.signal);
  } catch (error) {
    // A Hub repository mapped as a tokenizer source without a tokenizer.json is a mapping mistake.
    if (RatatoskrError.isInstance(error, "model_not_found")) {
      throw new RatatoskrError({
        code: "configuration",
        message: `${repository}@${revision} has no tokenizer.json on the Hugging Face Hub`,
        status: 404,
        provider: PROVIDER,
        cause: error,
      });
    }
    throw error;
  }
  return folder;
}
