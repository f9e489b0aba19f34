/**
 * The plugin registry: plugins in registration (priority) order, indexed by
 * id, alias and capability.
 */
import {
  type Capability,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderPlugin,
  RatatoskrError,
} from "@ratatoskr/core";

function configurationError(message: string): RatatoskrError {
  return new RatatoskrError({ code: "configuration", message });
}

/** Holds provider plugins; earlier registrations have priority. */
export class ProviderRegistry {
  #plugins: ProviderPlugin[] = [];
  #byName = new Map<string, ProviderPlugin>();

  /** Add a plugin. Rejects unknown contract versions and duplicate ids or aliases. */
  register(plugin: ProviderPlugin): void {
    if (plugin === null || typeof plugin !== "object") {
      throw configurationError(`A provider plugin must be an object, got ${String(plugin)}`);
    }
    if (plugin.specificationVersion !== PROVIDER_SPECIFICATION_VERSION) {
      throw configurationError(
        `Provider "${String(plugin.id)}" implements contract ${String(plugin.specificationVersion)}; this gateway needs ${PROVIDER_SPECIFICATION_VERSION}`,
      );
    }
    if (typeof plugin.id !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(plugin.id)) {
      throw configurationError(
        `Provider id must be lowercase letters, digits, ".", "_" or "-"; got ${JSON.stringify(plugin.id)}`,
      );
    }
    if (!Array.isArray(plugin.capabilities) || plugin.capabilities.length === 0) {
      throw configurationError(`Provider "${plugin.id}" declares no capabilities`);
    }
    for (const name of [plugin.id, ...(plugin.aliases ?? [])]) {
      const existing = this.#byName.get(name);
      if (existing !== undefined) {
        throw configurationError(
          `Provider name "${name}" is already registered (by "${existing.id}"); each id and alias must be unique`,
        );
      }
    }
    this.#plugins.push(plugin);
    for (const name of [plugin.id, ...(plugin.aliases ?? [])]) this.#byName.set(name, plugin);
  }

  /** The plugin with this id or alias. */
  get(name: string): ProviderPlugin | undefined {
    return this.#byName.get(name);
  }

  /** Every plugin, in priority order. */
  all(): readonly ProviderPlugin[] {
    return this.#plugins;
  }

  /** Plugins offering `capability`, in priority order. */
  forCapability(capability: Capability): ProviderPlugin[] {
    return this.#plugins.filter((plugin) => plugin.capabilities.includes(capability));
  }

  get size(): number {
    return this.#plugins.length;
  }
}
