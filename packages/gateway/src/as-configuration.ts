/**
 * Settings given to the builder (or `new Gateway()`) are configuration, not
 * call input: core's validators throw `invalid_input`, and this turns their
 * error into a `configuration` error with the same message and field.
 */
import { RatatoskrError } from "@ratatoskr/core";

/** Run `check`; an `invalid_input` it throws is rethrown as `configuration`. */
export function asConfiguration(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!RatatoskrError.isInstance(error, "invalid_input")) throw error;
    throw new RatatoskrError({
      code: "configuration",
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    });
  }
}
