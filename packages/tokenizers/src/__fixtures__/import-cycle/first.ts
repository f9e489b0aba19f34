/** One half of a deliberate import cycle, for the module-structure test's self-check. */
import type { Second } from "./second.ts";

/** Refers to the other half. */
export interface First {
  second?: Second;
}
