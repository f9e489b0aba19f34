/**
 * This package's own `require` (for its `package.json`, optional peers and
 * the reference engine), made once: every file of the package sits in
 * `src/` (or is bundled into one file of `dist/`), so they resolve alike.
 */
import { createRequire } from "node:module";

let own: NodeJS.Require | undefined;

/** A `require` that resolves from this package. */
export function packageRequire(): NodeJS.Require {
  own ??= createRequire(import.meta.url);
  return own;
}
