/**
 * Input checks the gateway makes for calls whose request mapping does not
 * check everything: the model-information options and `fitsContext`'s
 * arguments. Bad input fails here, as `invalid_input` naming the field,
 * without a round trip.
 */
import {
  assertCallOptions,
  assertMessages,
  assertMilliseconds,
  assertModel,
  assertTools,
  type ContextFitOptions,
  invalidInput,
  isAbortSignal,
} from "@ratatoskr/core";

/** Check the options of a model-information call (`signal`, `timeout`, `providerOptions`, plus `extra`). */
export function assertInfoOptions(options: unknown, extra: readonly string[] = []): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw invalidInput(
      `options must be an object, got ${options === null ? "null" : typeof options}`,
      { field: "options" },
    );
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!["signal", "timeout", "providerOptions", ...extra].includes(key)) {
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
  if (given.providers !== undefined) {
    const providers = given.providers;
    if (
      !Array.isArray(providers) ||
      providers.some((name) => typeof name !== "string" || name === "")
    ) {
      throw invalidInput("options.providers must be an array of provider ids", {
        field: "options.providers",
      });
    }
  }
}

function assertCount(value: unknown, field: string, allowZero: boolean): void {
  if (
    typeof value !== "number" ||
    !Number.isSafeInteger(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw invalidInput(`${field} must be a ${allowZero ? "non-negative" : "positive"} integer`, {
      field,
    });
  }
}

/** Check `fitsContext`'s arguments as the gateway does. */
export function assertContextFit(
  messages: unknown,
  model: unknown,
  options: ContextFitOptions | undefined,
): void {
  assertMessages(messages);
  assertModel(model);
  assertCallOptions(options);
  if (options?.tools !== undefined) assertTools(options.tools);
  if (options?.reserveOutput !== undefined) {
    assertCount(options.reserveOutput, "options.reserveOutput", true);
  }
  if (options?.contextWindow !== undefined) {
    assertCount(options.contextWindow, "options.contextWindow", false);
  }
}
