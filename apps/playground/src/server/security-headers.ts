/**
 * The response headers of every answer, through Hono's `secureHeaders()`:
 * a strict Content-Security-Policy (the page loads its own script and
 * stylesheet and talks to its own origin, nothing else, and no page may
 * frame it), no referrer, no MIME sniffing, and cross-origin isolation of
 * the window and the resources.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** The Content-Security-Policy directives, as `secureHeaders()` takes them. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Preact sets styles through the CSSOM (element.style), which needs no 'unsafe-inline'.
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/** Hono's secure headers with the playground's policy. */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: "DENY",
    // Served over plain HTTP on loopback; behind a TLS proxy, HSTS is the proxy's decision.
    strictTransportSecurity: false,
  });
}
