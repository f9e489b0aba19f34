/**
 * The official `openai` SDK, loaded on the first request: importing this
 * package (to read `openaiDescriptor`, or through a preset) loads no SDK.
 */
import { RatatoskrError } from "@ratatoskr/core";

/** The `openai` module. */
export type OpenAISdk = typeof import("openai");

let loaded: OpenAISdk | undefined;
let loading: Promise<OpenAISdk> | undefined;

/** Import the SDK once; a failed import is a `configuration` error and is tried again next time. */
export function loadOpenAISdk(): Promise<OpenAISdk> {
  loading ??= import("openai").then(
    (sdk) => {
      loaded = sdk;
      return sdk;
    },
    (error: unknown) => {
      loading = undefined;
      throw new RatatoskrError({
        code: "configuration",
        message:
          "@ratatoskr/provider-openai-compat could not load its `openai` SDK: reinstall @ratatoskr/provider-openai-compat (or run `pnpm add openai`)",
        cause: error,
      });
    },
  );
  return loading;
}

/** The SDK if a request loaded it already (its error classes are only thrown once it is). */
export function loadedOpenAISdk(): OpenAISdk | undefined {
  return loaded;
}
