/**
 * @ratatoskr/provider-openrouter: the OpenRouter preset (`createOpenRouter`,
 * `openrouterDescriptor`) of `@ratatoskr/provider-openai-compat`, on the
 * provider specification v1.
 *
 * @packageDocumentation
 */
export * from "./openrouter-descriptor.ts";
export * from "./openrouter-model-catalog.ts";
export * from "./openrouter-provider.ts";
