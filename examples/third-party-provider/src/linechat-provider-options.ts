/**
 * The `linechat` entry of a call's `providerOptions`: typed per-call
 * options that only LineChat has. The gateway hands the provider this entry
 * alone (`providerOptions.linechat`, or `{}`), so another provider's options
 * never arrive here, and these never reach another provider on a fallback.
 */
import { invalidInput, type WarningV1 } from "@ratatoskr/core";
import type { LineChatChatBody } from "./linechat-wire.ts";

/**
 * Per-call options of the LineChat provider, passed as
 * `providerOptions: { linechat: { safeMode: true } }`.
 */
export interface LineChatProviderOptions {
  /** Refuse unsafe content more eagerly (`safe_mode`). */
  safeMode?: boolean;
  /** An end-user id for LineChat's abuse reports (`user`). */
  user?: string;
}

/** The wire fields the options entry sets. */
export type LineChatOptionFields = Pick<LineChatChatBody, "safe_mode" | "user">;

/**
 * Read the options entry: known keys become wire fields; an unknown key is
 * an `unknown_provider_option` warning (and is not sent); a known key with
 * a value of the wrong type is an `invalid_input` error naming
 * `providerOptions.linechat.<key>`.
 */
export function readLinechatProviderOptions(
  entry: Readonly<Record<string, unknown>>,
  warnings: WarningV1[],
): LineChatOptionFields {
  const fields: LineChatOptionFields = {};
  for (const [key, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    if (key === "safeMode") {
      if (typeof value !== "boolean") fail(key, "a boolean", value);
      fields.safe_mode = value;
    } else if (key === "user") {
      if (typeof value !== "string" || value === "") fail(key, "a non-empty string", value);
      fields.user = value;
    } else {
      warnings.push({
        type: "unknown_provider_option",
        option: key,
        details: "LineChat knows safeMode and user; the option was not sent",
      });
    }
  }
  return fields;
}

function fail(option: string, expected: string, value: unknown): never {
  const got = Array.isArray(value) ? "an array" : value === null ? "null" : typeof value;
  throw invalidInput(`providerOptions.linechat.${option} must be ${expected}, got ${got}`);
}
