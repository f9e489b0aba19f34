/**
 * Warnings of the user API: what a provider reported that it ignored or
 * could not honour, stamped with the provider that said so.
 */
import type { WarningV1 } from "./spec/warning-v1.ts";

/**
 * A setting, tool or provider option that the answering provider ignored or
 * could not honour as asked, with the provider's id. Results and `done`
 * events carry them (`warnings`), the `onWarning` hook hears each one, and
 * `strict` mode turns them into `invalid_input` errors before any request
 * is sent.
 */
export type Warning = WarningV1 & {
  /** The id of the provider that returned it (stamped by the gateway). */
  readonly provider: string;
};

/**
 * The gateway's `cache_unavailable` warning: its response cache could not
 * be read or written (see {@link WarningV1}); `provider` is the provider the
 * cache key was built for.
 */
export type CacheUnavailableWarning = Extract<
  Warning,
  {
    /** The gateway's response cache failed. */
    type: "cache_unavailable";
  }
>;

/** A one-line description of a warning, for messages and logs. */
export function describeWarning(warning: WarningV1): string {
  switch (warning.type) {
    case "cache_unavailable":
      return `the response cache "${warning.store}" is unavailable (${warning.details})`;
    case "unsupported_setting":
      return `setting ${warning.setting} is not supported${warning.details === undefined ? "" : ` (${warning.details})`}`;
    case "unsupported_tool":
      return `tool "${warning.tool}" cannot be sent${warning.details === undefined ? "" : ` (${warning.details})`}`;
    case "unknown_provider_option":
      return `provider option ${warning.option} is not known${warning.details === undefined ? "" : ` (${warning.details})`}`;
    case "other":
      return warning.message;
    default:
      return `unrecognised warning ${JSON.stringify(warning)}`;
  }
}
