import type { Capability } from "../capabilities.ts";
import type { ProviderV1 } from "./provider-v1.ts";

/**
 * A routing hint: models this provider is the natural home for. The router
 * builds its preferences from the hints of the registered providers; among
 * the hints that match a model, the highest `priority` wins, then
 * registration order.
 */
export interface RoutingHintV1 {
  /** The model ids the hint matches (tested against the whole id, prefix removed). */
  readonly pattern: RegExp;
  /** Capabilities the hint applies to (default: every capability the provider offers). */
  readonly capabilities?: readonly Capability[];
  /** Higher wins; first-party hints use 10–100 (see docs/design.md). */
  readonly priority: number;
  /** Shown by `gateway.route()` (e.g. "vendor/model ids are OpenRouter's"). */
  readonly reason: string;
}

/**
 * What a provider package declares about itself, readable without creating
 * the provider: the router, the builder's shorthands and apps (the
 * playground) are built from descriptors, so the gateway's own source names
 * no provider.
 */
export interface ProviderDescriptorV1<Settings extends object = Record<string, unknown>> {
  /** Contract version; the catalog's loaders refuse descriptors of another version. */
  readonly specificationVersion: "v1";
  /** The id of the providers it creates (their routing prefix and `providerOptions` key). */
  readonly id: string;
  /** Other prefixes that select those providers (`hf` for `huggingface`). */
  readonly aliases?: readonly string[];
  /** Human name for UIs and messages ("OpenRouter"). */
  readonly displayName: string;
  /** The npm package that implements it (named in "install …" errors). */
  readonly packageName: string;
  /** Capabilities the provider can offer (a created provider may offer fewer, e.g. without a model). */
  readonly capabilities: readonly Capability[];
  /** Environment variables the provider reads when a setting is omitted, by setting name (`apiKey: "OPENROUTER_API_KEY"`). */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Whether the provider can be created from `environment` alone (its key is
   * set, or it needs none). Apps use it to load what is configured.
   */
  isConfigured?(environment: Readonly<Record<string, string | undefined>>): boolean;
  /** Models this provider should be preferred for. */
  readonly routing?: readonly RoutingHintV1[];
  /** Whether inference runs on this machine. */
  readonly localInference?: boolean;
  /** Create the provider; implementations import their SDKs here, lazily. */
  create(settings?: Settings): ProviderV1 | Promise<ProviderV1>;
}

/** The settings type of a descriptor. */
export type ProviderSettingsOf<Descriptor> =
  Descriptor extends ProviderDescriptorV1<infer Settings> ? Settings : never;
