/**
 * The bearer-token check: the `Authorization: Bearer <token>` header against
 * the configured token, compared in constant time (both are hashed first,
 * so neither the length nor a common prefix shows in the timing).
 */
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/** A checker of `authorization` header values against `token`. */
export function bearerTokenChecker(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(.+)$/i.exec(authorization?.trim() ?? "");
    const presented = digest(match?.[1]?.trim() ?? "");
    return timingSafeEqual(presented, expected) && match !== null;
  };
}
