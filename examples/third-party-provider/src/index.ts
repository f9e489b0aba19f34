/**
 * ratatoskr-provider-linechat: an example third-party Ratatoskr provider for
 * LineChat, a small JSON / NDJSON chat and embeddings API. It is written
 * the way an outside author writes one: against the public provider
 * specification v1 (`@ratatoskr/core`) and the documented helpers of
 * `@ratatoskr/provider-utils`, nothing else.
 *
 * @packageDocumentation
 */
export { linechatDescriptor } from "./linechat-descriptor.ts";
export { LINECHAT_API_KEY_VARIABLE, LINECHAT_PROVIDER_ID } from "./linechat-id.ts";
export {
  createLineChat,
  LINECHAT_DEFAULT_BASE_URL,
  type LineChatSettings,
} from "./linechat-provider.ts";
export type { LineChatProviderOptions } from "./linechat-provider-options.ts";
export * from "./linechat-wire.ts";
