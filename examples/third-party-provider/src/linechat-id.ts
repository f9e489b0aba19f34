/**
 * What identifies LineChat, with no code behind it, so the descriptor can
 * name it without loading the provider.
 */

/** The provider id: the routing prefix (`linechat:line-1`) and the `providerOptions` key. */
export const LINECHAT_PROVIDER_ID = "linechat";

/** The environment variable the API key is read from when `apiKey` is not set. */
export const LINECHAT_API_KEY_VARIABLE = "LINECHAT_API_KEY";
