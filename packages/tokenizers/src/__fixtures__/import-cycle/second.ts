/** The other half of a deliberate import cycle, for the module-structure test's self-check. */
import type { First } from "./first.ts";

/** Refers to the first half. */
export interface Second {
  first?: First;
}
