/**
 * The LineChat descriptor: what the gateway, its router and apps read
 * about the provider without creating it.
 *
 * ```ts
 * const gateway = await Ratatoskr.builder().use(linechatDescriptor, { apiKey }).build();
 * ```
 */
import type { ProviderDescriptorV1 } from "@ratatoskr/core";
import { LINECHAT_API_KEY_VARIABLE, LINECHAT_PROVIDER_ID } from "./linechat-id.ts";
import type { LineChatSettings } from "./linechat-provider.ts";

/**
 * The descriptor of the LineChat provider. Its routing hints (priority 50,
 * "a vendor's model family" in the first-party scale) send `line-*` chat
 * models and `line-embed-*` embedding models to LineChat whatever the
 * registration order; `create` imports the provider lazily.
 */
export const linechatDescriptor: ProviderDescriptorV1<LineChatSettings> = {
  specificationVersion: "v1",
  id: LINECHAT_PROVIDER_ID,
  aliases: ["lc"],
  displayName: "LineChat",
  packageName: "ratatoskr-provider-linechat",
  capabilities: ["chat", "embed"],
  environment: { apiKey: LINECHAT_API_KEY_VARIABLE },
  isConfigured: (environment) => Boolean(environment[LINECHAT_API_KEY_VARIABLE]?.trim()),
  routing: [
    {
      pattern: /^line-embed-/,
      capabilities: ["embed"],
      priority: 50,
      reason: "line-embed-* models are LineChat's embedding models",
    },
    {
      pattern: /^line-(?!embed-)/,
      capabilities: ["chat"],
      priority: 50,
      reason: "line-* chat models are LineChat's",
    },
  ],
  async create(settings) {
    const { createLineChat } = await import("./linechat-provider.ts");
    return createLineChat(settings);
  },
};
