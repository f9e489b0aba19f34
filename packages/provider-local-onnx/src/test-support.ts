/**
 * Test support for other workspace packages (tooling/provider-gateway-tests),
 * reached through the `./internal/test-support` subpath. That subpath resolves
 * under the workspace's `@ratatoskr/source` condition only: it is not built,
 * not published and not a stable API.
 */
export * from "./test-fixtures.ts";
export * from "./test-requests.ts";
