/**
 * Request guards. The playground holds API keys, so the server only talks
 * to its own page: loopback Host names (DNS-rebinding guard), same-origin
 * JSON posts (CSRF guard), and a token when bound beyond loopback.
 */
import { createHash, timingSafeEqual } from "node:crypto";

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

/** The value of one cookie from a Cookie header; undefined when absent or not valid percent-encoding. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}
