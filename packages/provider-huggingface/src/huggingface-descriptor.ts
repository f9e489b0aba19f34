/**
 * What `@ratatoskr/provider-huggingface` declares about itself, readable
 * without creating the provider: the router prefers it for Hub model ids on
 * the inference tasks, the builder's `.huggingface()` shorthand and
 * `loadConfiguredProviders` create it from here.
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import { HUGGING_FACE_PROVIDER_ID } from "./huggingface-error.ts";
import { createHuggingFace, type HuggingFaceSettings } from "./huggingface-provider.ts";

/**
 * The descriptor of the Hugging Face provider: embeddings, NLI, zero-shot
 * classification and chat, configured by `HF_TOKEN`. Routing hints:
 *
 * - `owner/name` Hub ids for `embed`, `nli` and `classify` (priority 30: a
 *   naming scheme this provider routes; OpenRouter's `vendor/model` hint is
 *   for chat only, so they do not compete);
 * - chat ids with Hugging Face's router policy suffix, `owner/name:fastest`
 *   or `owner/name:cheapest` (priority 100: an id form only this router serves).
 *
 * Plain `owner/name` chat ids carry no hint: they are OpenRouter's too.
 * `create` builds the provider; the inference SDK loads on the first call.
 */
export const huggingfaceDescriptor: ProviderDescriptorV1<HuggingFaceSettings> = Object.freeze({
  specificationVersion: "v1",
  id: HUGGING_FACE_PROVIDER_ID,
  aliases: ["hf"],
  displayName: "Hugging Face Inference",
  packageName: "@ratatoskr/provider-huggingface",
  capabilities: ["embed", "nli", "classify", "chat"],
  environment: { apiKey: "HF_TOKEN" },
  isConfigured: (environment: Readonly<Record<string, string | undefined>>) =>
    Boolean(environment.HF_TOKEN),
  routing: [
    {
      pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
      capabilities: ["embed", "nli", "classify"],
      priority: 30,
      reason: "owner/name Hub ids for embeddings, NLI and classification are Hugging Face's",
    },
    {
      pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*:(fastest|cheapest)$/,
      capabilities: ["chat"],
      priority: 100,
      reason: "owner/name:fastest and :cheapest are Hugging Face router policies",
    },
  ],
  localInference: false,
  create: (settings?: HuggingFaceSettings) => createHuggingFace(settings),
} satisfies ProviderDescriptorV1<HuggingFaceSettings>);
