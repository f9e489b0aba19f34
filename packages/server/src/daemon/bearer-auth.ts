/**
 * The daemon's bearer token: compared in constant time (SHA-256 digests of
 * equal length through `crypto.timingSafeEqual`, so neither the content nor
 * the length of the token leaks through timing), for gRPC metadata and
 * HTTP headers alike.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Interceptor } from "@connectrpc/connect";
import { RatatoskrError } from "@ratatoskr/core";
import { errorToConnectError } from "@ratatoskr/protocol";

const BEARER = /^Bearer\s+(.+)$/i;

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Whether an `authorization` header value carries `token` as its bearer token. */
export function bearerTokenMatches(header: string | null | undefined, token: string): boolean {
  const presented = BEARER.exec(header ?? "")?.[1]?.trim() ?? "";
  // Always compare (an absent token against a digest too): the same work either way.
  const same = timingSafeEqual(digest(presented), digest(token));
  return presented !== "" && same;
}

/** The error of a call without the right token (it never says which part was wrong). */
export function unauthenticated(): RatatoskrError {
  return new RatatoskrError({
    code: "authentication",
    message: "missing or wrong bearer token (send `authorization: Bearer <token>`)",
  });
}

/**
 * A Connect interceptor refusing calls without `authorization: Bearer
 * <token>` as `UNAUTHENTICATED`, except calls of the `exempt` services (the
 * gRPC health check).
 */
export function bearerAuthInterceptor(token: string, exempt: readonly string[] = []): Interceptor {
  return (next) => async (request) => {
    if (exempt.includes(request.service.typeName)) return next(request);
    if (!bearerTokenMatches(request.header.get("authorization"), token)) {
      throw errorToConnectError(unauthenticated());
    }
    return next(request);
  };
}
