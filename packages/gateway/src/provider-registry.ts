/**
 * The provider registry: providers in registration (priority) order,
 * indexed by id and alias and by capability, each completed once when it is
 * registered (see `registered-provider.ts`).
 */
import {
  CAPABILITIES,
  type Capability,
  type ProviderDescriptorV1,
  type ProviderV1,
  RatatoskrError,
} from "@ratatoskr/core";
import { type RegisteredProvider, registerProvider } from "./registered-provider.ts";

/** Holds providers; earlier registrations have priority. */
export class ProviderRegistry {
  readonly #providers: RegisteredProvider[] = [];
  readonly #byName = new Map<string, RegisteredProvider>();
  readonly #byCapability = new Map<Capability, RegisteredProvider[]>(
    CAPABILITIES.map((capability) => [capability, []]),
  );

  /**
   * Add a provider, with the descriptor it was created from (its routing
   * hints then apply). Rejects other specification versions, malformed
   * providers and duplicate ids or aliases with a `configuration` error.
   */
  register(provider: ProviderV1, descriptor?: ProviderDescriptorV1<never>): RegisteredProvider {
    const registered = registerProvider(provider, descriptor, this.#providers.length);
    for (const name of registered.names) {
      const existing = this.#byName.get(name);
      if (existing !== undefined) {
        throw new RatatoskrError({
          code: "configuration",
          message: `Provider name "${name}" is already registered (by "${existing.id}"); each id and alias must be unique`,
        });
      }
    }
    this.#providers.push(registered);
    for (const name of registered.names) this.#byName.set(name, registered);
    for (const capability of registered.capabilities) {
      this.#byCapability.get(capability)!.push(registered);
    }
    return registered;
  }

  /** The provider with this id or alias. */
  get(name: string): RegisteredProvider | undefined {
    return this.#byName.get(name);
  }

  /** Every provider, in priority order. */
  all(): readonly RegisteredProvider[] {
    return this.#providers;
  }

  /** Providers offering `capability`, in priority order. */
  forCapability(capability: Capability): readonly RegisteredProvider[] {
    return this.#byCapability.get(capability) ?? [];
  }

  /** The registered ids, comma-separated ("none" when empty), for messages. */
  describe(): string {
    return this.#providers.length === 0
      ? "none"
      : this.#providers.map((provider) => provider.id).join(", ");
  }

  get size(): number {
    return this.#providers.length;
  }
}
