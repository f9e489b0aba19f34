/**
 * @ratatoskr/provider-openrouter: the OpenRouter preset (`createOpenRouter`)
 * of `@ratatoskr/provider-openai-compat`.
 *
 * @packageDocumentation
 */
export * from "./openrouter-provider.ts";
