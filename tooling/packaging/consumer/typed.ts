/**
 * Type-checked (not run) against the installed declarations, with
 * `skipLibCheck: false`: each builder shorthand takes its provider's settings
 * type, and a wrong setting is a compile error.
 */
import { type ConfiguredProviders, loadConfiguredProviders } from "@ratatoskr/catalog";
import { Message, Ratatoskr, RatatoskrError } from "@ratatoskr/gateway";
import {
  applyPresetToChatOptions,
  type ModelMetadata,
  modelMetadata,
  resolvePreset,
} from "@ratatoskr/models";
import { createOpenRouter, type OpenRouterSettings } from "@ratatoskr/provider-openrouter";
import { createMockProvider } from "@ratatoskr/testing";

const settings: OpenRouterSettings = { appName: "consumer" };

export const builder = Ratatoskr.builder()
  .use(createMockProvider())
  .use(createOpenRouter(settings))
  .openrouter("key", { appName: "consumer", providerPreferences: { sort: "price" } })
  .anthropic(undefined, { baseURL: "http://127.0.0.1:1", defaultMaxTokens: 1024 })
  .ollama("http://127.0.0.1:11434", { keepAlive: "5m" })
  .huggingface(undefined, { chat: false })
  .localEmbeddings("all-MiniLM-L6-v2")
  .device("cpu");

Ratatoskr.builder()
  // @ts-expect-error appName is a string
  .openrouter("key", { appName: 42 })
  // @ts-expect-error not a setting of the Anthropic provider
  .anthropic(undefined, { baseUrl: "http://127.0.0.1:1" })
  // @ts-expect-error keepAlive is a duration string or seconds
  .ollama(undefined, { keepAlive: true });

export async function ask(): Promise<string> {
  const gateway = await builder.build();
  try {
    return (await gateway.chat([Message.user("hi")], { model: "mock" })).content;
  } catch (error) {
    if (RatatoskrError.isInstance(error)) return error.code;
    throw error;
  }
}

/** The registry's records and presets, typed. */
export function presetModel(): { model: string; contextWindow: number | null | undefined } {
  const preset = resolvePreset("ratatoskr:budget/coding");
  const { options } = applyPresetToChatOptions({ model: preset.uri, temperature: 0.7 }, preset);
  const metadata: ModelMetadata | undefined = modelMetadata(options.model);
  return { model: options.model, contextWindow: metadata?.info.context_window };
}

/** The public loader's result registers with the builder as it is. */
export async function fromEnvironment(): Promise<ConfiguredProviders> {
  const configured = await loadConfiguredProviders(process.env, {
    defaults: { openrouter: { appName: "consumer" } },
  });
  const withLoaded = Ratatoskr.builder();
  for (const loaded of configured.providers) withLoaded.use(loaded);
  return configured;
}
