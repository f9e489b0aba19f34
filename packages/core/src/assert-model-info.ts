/**
 * Input checks of the model-information calls (`listModels`,
 * `modelStatus`, `fetchModelMetadata`) and of `fitsContext`, shared by every
 * `ModelGateway` implementation (the embedded gateway, the service client)
 * so bad input fails the same way everywhere: `invalid_input` naming the
 * field, before anything is sent.
 */

import { assertMessages } from "./assert-messages.ts";
import { assertCallOptions, assertMilliseconds, isAbortSignal } from "./assert-options.ts";
import { assertTools } from "./assert-tools.ts";
import { invalidInput } from "./errors.ts";
import type { ContextFitOptions } from "./model-intelligence.ts";
import { assertModel } from "./validation.ts";

const INFO_OPTIONS = ["signal", "timeout", "providerOptions"];

/**
 * Check the options of a model-information call: an object (or undefined)
 * of `signal`, `timeout` and `providerOptions`, plus `providers` (an array
 * of non-empty provider ids) when `withProviders` (`listModels`). An
 * unknown option is an error: a misspelt one would otherwise be ignored.
 */
export function assertModelInfoOptions(options: unknown, withProviders = false): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw invalidInput(
      `options must be an object, got ${options === null ? "null" : typeof options}`,
      { field: "options" },
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!INFO_OPTIONS.includes(key) && !(withProviders && key === "providers")) {
      throw invalidInput(`options.${key.slice(0, 40)} is not an option of this call`, {
        field: `options.${key.slice(0, 40)}`,
      });
    }
  }
  if (given.signal !== undefined && !isAbortSignal(given.signal)) {
    throw invalidInput("options.signal must be an AbortSignal", { field: "options.signal" });
  }
  if (given.timeout !== undefined) assertMilliseconds(given.timeout, "options.timeout");
  if (given.providerOptions !== undefined) {
    assertCallOptions({ providerOptions: given.providerOptions });
  }
  const providers = given.providers;
  if (
    providers !== undefined &&
    (!Array.isArray(providers) || providers.some((name) => typeof name !== "string" || name === ""))
  ) {
    throw invalidInput("options.providers must be an array of provider ids", {
      field: "options.providers",
    });
  }
}

function assertTokenCount(value: unknown, field: string, allowZero: boolean): void {
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw invalidInput(
      `${field} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${typeof value === "number" ? String(value) : typeof value}`,
      { field },
    );
  }
}

/**
 * Check `fitsContext`'s arguments: the messages, the model, the call
 * options, the tools, and `reserveOutput` (a non-negative integer) and
 * `contextWindow` (a positive integer) when given.
 */
export function assertContextFitRequest(
  messages: unknown,
  model: unknown,
  options: unknown,
): asserts options is ContextFitOptions | undefined {
  assertMessages(messages);
  assertModel(model);
  assertCallOptions(options);
  const fit = options as ContextFitOptions | undefined;
  if (fit?.tools !== undefined) assertTools(fit.tools);
  if (fit?.reserveOutput !== undefined) {
    assertTokenCount(fit.reserveOutput, "options.reserveOutput", true);
  }
  if (fit?.contextWindow !== undefined) {
    assertTokenCount(fit.contextWindow, "options.contextWindow", false);
  }
}
