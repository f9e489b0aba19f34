/**
 * The catalog is the data the gateway needs before a provider package is
 * loaded; each entry must say what the package's own descriptor says.
 */
import { describe, expect, it } from "vitest";
import { loadDescriptor } from "./load-descriptor.ts";
import { PROVIDER_CATALOG } from "./provider-catalog.ts";

describe("the catalog agrees with every first-party descriptor", () => {
  it.each(PROVIDER_CATALOG.map((entry) => [entry.id, entry] as const))(
    "%s: id, aliases, names and environment variables",
    async (_id, entry) => {
      const descriptor = await loadDescriptor(entry.id);
      expect({
        id: entry.id,
        aliases: entry.aliases,
        displayName: entry.displayName,
        packageName: entry.packageName,
        environment: entry.environment,
      }).toEqual({
        id: descriptor.id,
        aliases: descriptor.aliases ?? [],
        displayName: descriptor.displayName,
        packageName: descriptor.packageName,
        environment: descriptor.environment ?? {},
      });
    },
  );
});
