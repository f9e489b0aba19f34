/**
 * Who may talk to the playground at all. It holds API keys, so by default
 * it answers loopback Host names only (a guard against DNS rebinding); bound
 * beyond loopback it requires the access token, presented once as
 * `/?token=…` and then carried by an HttpOnly, SameSite=Strict cookie (or
 * sent as the `x-playground-token` header), compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

/** The cookie that carries the access token after `/?token=…`. */
export const TOKEN_COOKIE = "ratatoskr_playground_token";

/** Compare a presented token with the expected one in constant time. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Whether a Host header names this machine's loopback interface. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith("[")
    ? host.slice(0, host.indexOf("]") + 1)
    : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "[::1]" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Loopback Host names only without a token; the token on every request with one. */
export function accessGuard(token: string | undefined): MiddlewareHandler {
  return async function accessGuard(c, next) {
    if (token === undefined) {
      if (isLoopbackHostHeader(c.req.header("host"))) return next();
      return c.json(
        {
          error: {
            code: "forbidden",
            message: "The playground answers on loopback names only (localhost, 127.0.0.1).",
          },
        },
        403,
      );
    }
    const presented = c.req.header("x-playground-token") ?? getCookie(c, TOKEN_COOKIE);
    if (tokenMatches(presented, token)) return next();
    const query = c.req.query("token");
    if (c.req.method === "GET" && c.req.path === "/" && tokenMatches(query, token)) {
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/" });
      return c.redirect("/", 303);
    }
    return c.json(
      {
        error: {
          code: "unauthorized",
          message: "Open the playground with /?token=<RATATOSKR_PLAYGROUND_TOKEN>.",
        },
      },
      401,
    );
  };
}
