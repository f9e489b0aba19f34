/**
 * The options of `createServiceClient`, and their validation: every bad
 * option is an `invalid_input` error naming it.
 */
import { assertMilliseconds, invalidInput } from "@ratatoskr/core";

/** TLS settings for an `https://` daemon (node's `tls.connect` options). */
export interface ServiceClientTls {
  /** Trusted CA certificates (PEM), for a daemon with a private CA or a self-signed certificate. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Client certificate (PEM), for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM), for mutual TLS. */
  key?: string | Buffer;
  /** The name the daemon's certificate must carry, when it differs from the URL's host. */
  servername?: string;
  /** Check the daemon's certificate (default true; false only for local experiments). */
  rejectUnauthorized?: boolean;
}

/**
 * How the client retries a transport failure (`UNAVAILABLE` without a
 * Ratatoskr error code: the daemon is not reachable, or went away) before
 * anything was delivered. Waits double from `initialDelayMs` up to
 * `maxDelayMs`.
 */
export interface ServiceClientRetry {
  /** Retries after the first attempt (default 3; 0: none). */
  retries?: number;
  /** The wait before the first retry in ms (default 100). */
  initialDelayMs?: number;
  /** The longest wait between two attempts in ms (default 2000). */
  maxDelayMs?: number;
}

/** Options of `createServiceClient`. */
export interface ServiceClientOptions {
  /**
   * The daemon's bearer token, sent as `authorization: Bearer …` metadata on
   * every call. Never logged, never shown by `util.inspect`, redacted from
   * errors.
   */
  token?: string;
  /** The wire protocol: `grpc` (default; what `ratd` and the original daemon speak) or `connect`. Both over HTTP/2. */
  transport?: "grpc" | "connect";
  /** The default deadline of every call in ms (a call's `options.timeout` overrides it); default none. */
  timeout?: number;
  /** TLS settings, for an `https://` URL. */
  tls?: ServiceClientTls;
  /** Retries of transport failures before anything was delivered; `false`: none. */
  retry?: ServiceClientRetry | false;
}

/** {@link ServiceClientRetry} with its defaults applied. */
export type ResolvedRetry = Required<ServiceClientRetry>;

/** The retry settings `options.retry` asks for. */
export function resolveRetry(retry: ServiceClientRetry | false | undefined): ResolvedRetry {
  if (retry === false) return { retries: 0, initialDelayMs: 0, maxDelayMs: 0 };
  return {
    retries: retry?.retries ?? 3,
    initialDelayMs: retry?.initialDelayMs ?? 100,
    maxDelayMs: retry?.maxDelayMs ?? 2000,
  };
}

function assertCount(value: unknown, field: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(`${field} must be a non-negative integer`, { field });
  }
}

/** The daemon's URL, checked: `http:` or `https:`, TLS settings only with `https:`. */
export function assertServiceClientOptions(url: unknown, options: unknown): URL {
  if (typeof url !== "string" || url === "") {
    throw invalidInput("url must be a non-empty string (the daemon, e.g. http://127.0.0.1:9741)", {
      field: "url",
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidInput("url must be an absolute http:// or https:// URL", { field: "url" });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalidInput("url must be an http:// or https:// URL", { field: "url" });
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw invalidInput("url must not carry credentials; pass options.token", { field: "url" });
  }
  if (options === undefined) return parsed;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw invalidInput("options must be an object", { field: "options" });
  }
  const given = options as Record<string, unknown>;
  const known = ["token", "transport", "timeout", "tls", "retry"];
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      throw invalidInput(`options.${key.slice(0, 40)} is not an option of createServiceClient`, {
        field: `options.${key.slice(0, 40)}`,
      });
    }
  }
  if (given.token !== undefined && (typeof given.token !== "string" || given.token === "")) {
    throw invalidInput("options.token must be a non-empty string", { field: "options.token" });
  }
  if (
    given.transport !== undefined &&
    given.transport !== "grpc" &&
    given.transport !== "connect"
  ) {
    throw invalidInput('options.transport must be "grpc" or "connect"', {
      field: "options.transport",
    });
  }
  if (given.timeout !== undefined) assertMilliseconds(given.timeout, "options.timeout");
  if (given.tls !== undefined) {
    if (given.tls === null || typeof given.tls !== "object" || Array.isArray(given.tls)) {
      throw invalidInput("options.tls must be an object", { field: "options.tls" });
    }
    if (parsed.protocol !== "https:") {
      throw invalidInput("options.tls needs an https:// url", { field: "options.tls" });
    }
  }
  if (given.retry !== undefined && given.retry !== false) {
    if (given.retry === null || typeof given.retry !== "object" || Array.isArray(given.retry)) {
      throw invalidInput("options.retry must be an object or false", { field: "options.retry" });
    }
    const retry = given.retry as Record<string, unknown>;
    for (const key of ["retries", "initialDelayMs", "maxDelayMs"]) {
      if (retry[key] !== undefined) assertCount(retry[key], `options.retry.${key}`);
    }
  }
  return parsed;
}
