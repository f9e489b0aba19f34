/**
 * Shared vitest preset. Workspace packages resolve each other through the
 * `@ratatoskr/source` export condition, so tests run against `src/` without
 * a build step.
 */
import { defineConfig, mergeConfig, type ViteUserConfig } from "vitest/config";

export const sourceConditions = ["@ratatoskr/source", "node", "import", "module", "default"];

export function vitestPreset(overrides: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(
    defineConfig({
      resolve: { conditions: sourceConditions },
      ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@ratatoskr/source"] } },
      test: {
        include: ["src/**/*.test.ts", "test/**/*.test.ts"],
        environment: "node",
        testTimeout: 20_000,
        hookTimeout: 20_000,
        restoreMocks: true,
        typecheck: { enabled: false },
      },
    }),
    overrides,
  );
}
