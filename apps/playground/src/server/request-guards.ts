/**
 * What a request to the API must look like before any handler runs:
 * not cross-site (Hono's `csrf()`: a POST a form, `sendBeacon` or a
 * `no-cors` fetch could send must come from this origin), a JSON body (so
 * any cross-origin POST needs a CORS preflight, which this server never
 * grants), and at most `LIMITS.bodyBytes` of it.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { LIMITS } from "./request-limits.ts";

/** Refuse cross-site POSTs of the kinds a browser sends without a preflight. */
export function refuseCrossSite(): MiddlewareHandler {
  return csrf();
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** POST bodies must be `application/json` (415 otherwise). */
export function jsonBodiesOnly(): MiddlewareHandler {
  return async function jsonBodiesOnly(c, next) {
    if (c.req.method !== "POST" || mediaType(c.req.header("content-type")) === "application/json")
      return next();
    return c.json(
      { error: { code: "invalid_input", message: "POST bodies must be application/json" } },
      415,
    );
  };
}

/** Bodies larger than `LIMITS.bodyBytes` are refused with 413. */
export function limitBodySize(): MiddlewareHandler {
  return bodyLimit({
    maxSize: LIMITS.bodyBytes,
    onError: (c) =>
      c.json({ error: { code: "invalid_input", message: "The request body is too large" } }, 413),
  });
}
