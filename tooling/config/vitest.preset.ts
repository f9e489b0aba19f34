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
        // Hang guards only, never a measure: a test is bounded by its amount of
        // work and waits for events, so a busy 2-core CI machine only makes it
        // slower. These limits catch a test that would never end.
        testTimeout: 300_000,
        hookTimeout: 300_000,
        expect: { poll: { timeout: 240_000, interval: 20 } },
        restoreMocks: true,
        typecheck: { enabled: false },
      },
    }),
    overrides,
  );
}
