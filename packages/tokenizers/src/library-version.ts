/**
 * The version of this package, read once from its `package.json` (which
 * sits one folder above both `src/` and `dist/`). Compiled-cache keys
 * include it, so an upgrade never reads what an older version compiled.
 */
import { packageRequire } from "./package-require.ts";

let version: string | undefined;

/** This package's version (`@ratatoskr/tokenizers@x.y.z`). */
export function tokenizersLibraryVersion(): string {
  if (version === undefined) {
    const manifest = packageRequire()("../package.json") as {
      name?: string;
      version?: string;
    };
    version = `${manifest.name ?? "@ratatoskr/tokenizers"}@${manifest.version ?? "unknown"}`;
  }
  return version;
}
