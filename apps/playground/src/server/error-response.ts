/**
 * How a failure reaches the browser: a JSON body with a stable `code` and a
 * message (RatatoskrError messages are redacted at their source), plus what
 * to configure when no provider serves the capability. Anything else is an
 * internal error, with no detail.
 */
import { type Capability, errorTraits, RatatoskrError } from "@ratatoskr/core";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CAPABILITY_HINTS } from "../capability-hints.ts";

/**
 * A failure as a JSON error body: a gateway error with its code, message and
 * provider (and hints when nothing serves `capability`); anything else as an
 * internal error without detail.
 */
export function errorBody(error: unknown, capability?: Capability) {
  if (!RatatoskrError.isInstance(error))
    return { error: { code: "internal", message: "Internal error in the playground server" } };
  const missing = error.code === "no_provider" || error.code === "not_implemented";
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.provider === undefined ? {} : { provider: error.provider }),
      ...(missing && capability ? { hints: CAPABILITY_HINTS[capability] } : {}),
    },
  };
}

/** The code for an error Hono raised itself (a malformed JSON body, a refused cross-site request). */
function httpExceptionCode(status: number): string {
  if (status === 403) return "forbidden";
  if (status === 401) return "unauthorized";
  return status < 500 ? "invalid_input" : "internal";
}

/** The message for an error Hono raised itself. */
function httpExceptionMessage(error: HTTPException): string {
  // csrf() is the only middleware here that refuses with a bare 403.
  if (error.status === 403) return "Cross-site requests are refused";
  if (error.message === "Malformed JSON in request body") return "The body is not valid JSON";
  return error.message || "The request was refused";
}

/** Answer any failure as JSON; `capability` adds the hints for a missing provider. */
export function errorResponse(error: unknown, c: Context, capability?: Capability): Response {
  if (error instanceof HTTPException) {
    return c.json(
      {
        error: { code: httpExceptionCode(error.status), message: httpExceptionMessage(error) },
      },
      error.status,
    );
  }
  // A gateway error answers with its code's HTTP status from core's error-trait table.
  const status = RatatoskrError.isInstance(error) ? errorTraits(error).httpStatus : 500;
  return c.json(errorBody(error, capability), status as ContentfulStatusCode);
}

/** An `onError` handler for the routes of one capability. */
export function errorHandlerFor(capability?: Capability): ErrorHandler {
  return (error, c) => errorResponse(error, c, capability);
}
