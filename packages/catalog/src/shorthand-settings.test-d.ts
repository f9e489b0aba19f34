/**
 * Type tests (checked by `tsc`, not run): each builder shorthand takes its
 * provider package's settings type, and a missing package degrades to a
 * plain record. (That the runtime table and the typed interface list the
 * same methods is checked in builder-shorthands.test.ts.) The packaging test (tooling/packaging) checks the published
 * declarations the same way, with and without the provider packages installed.
 */
import type { AnthropicProviderSettings } from "@ratatoskr/provider-anthropic";
import type { HuggingFaceSettings } from "@ratatoskr/provider-huggingface";
import type { ModelSetting } from "@ratatoskr/provider-local-onnx";
import type { OllamaSettings } from "@ratatoskr/provider-ollama";
import type { OpenAISettings } from "@ratatoskr/provider-openai-compat";
import type { OpenRouterSettings } from "@ratatoskr/provider-openrouter";
import type { TokenizersSettings } from "@ratatoskr/tokenizers";
import { expectTypeOf } from "vitest";
import type { CatalogShorthands } from "./index.ts";
import type { InstalledOr, ProviderSettings } from "./shorthand-settings.ts";

interface Builder extends CatalogShorthands<Builder> {}
declare const builder: Builder;

type SettingsOf<
  Shorthand extends "openrouter" | "anthropic" | "openai" | "ollama" | "huggingface",
> = Parameters<Builder[Shorthand]>[1];

expectTypeOf<SettingsOf<"openrouter">>().toEqualTypeOf<OpenRouterSettings | undefined>();
expectTypeOf<SettingsOf<"anthropic">>().toEqualTypeOf<AnthropicProviderSettings | undefined>();
expectTypeOf<SettingsOf<"openai">>().toEqualTypeOf<OpenAISettings | undefined>();
expectTypeOf<SettingsOf<"ollama">>().toEqualTypeOf<OllamaSettings | undefined>();
expectTypeOf<SettingsOf<"huggingface">>().toEqualTypeOf<HuggingFaceSettings | undefined>();
expectTypeOf<Parameters<Builder["localEmbeddings"]>[0]>().toEqualTypeOf<ModelSetting>();
expectTypeOf<Parameters<Builder["localNli"]>[0]>().toEqualTypeOf<ModelSetting>();
expectTypeOf<Parameters<Builder["localGeneration"]>[0]>().toEqualTypeOf<ModelSetting>();
expectTypeOf<Parameters<Builder["tokenizers"]>[0]>().toEqualTypeOf<
  TokenizersSettings | undefined
>();

// A missing optional peer imports as `any`; the shorthand then takes a plain record.
// biome-ignore lint/suspicious/noExplicitAny: what an unresolved (ignored) import gives
expectTypeOf<InstalledOr<any>>().toEqualTypeOf<ProviderSettings>();
expectTypeOf<InstalledOr<OllamaSettings>>().toEqualTypeOf<OllamaSettings>();

builder
  .openrouter("key", { appName: "app", providerPreferences: { sort: "price" } })
  .anthropic(undefined, { baseURL: "http://127.0.0.1:1", defaultMaxTokens: 1024 })
  .ollama("http://127.0.0.1:11434", { keepAlive: "5m" })
  .localEmbeddings("all-MiniLM-L6-v2");

builder
  // @ts-expect-error appName is a string
  .openrouter("key", { appName: 42 })
  // @ts-expect-error not a setting of the Anthropic provider
  .anthropic(undefined, { baseUrl: "http://127.0.0.1:1" })
  // @ts-expect-error keepAlive is a duration string or seconds
  .ollama(undefined, { keepAlive: true });
