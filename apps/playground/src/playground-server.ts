/**
 * The playground's HTTP server (Hono): the page, its assets, and a JSON API
 * over the gateway. Keys stay here; the browser sees models, routes and
 * results only. This file wires the units of `server/` together: who may
 * connect, the security headers, the request guards, then one set of
 * routes per page.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { accessGuard } from "./server/access-guard.ts";
import { chatRoutes } from "./server/chat-routes.ts";
import { embeddingsRoutes } from "./server/embeddings-routes.ts";
import { errorHandlerFor } from "./server/error-response.ts";
import { generateRoutes } from "./server/generate-routes.ts";
import { modelsRoutes } from "./server/models-routes.ts";
import { nliRoutes } from "./server/nli-routes.ts";
import { pageRoutes } from "./server/page-routes.ts";
import { jsonBodiesOnly, limitBodySize, refuseCrossSite } from "./server/request-guards.ts";
import { securityHeaders } from "./server/security-headers.ts";
import type { PlaygroundServerContext } from "./server/server-context.ts";
import { serviceRoutes } from "./server/service-routes.ts";
import { stanceRoutes } from "./server/stance-routes.ts";
import { statusRoutes } from "./server/status-routes.ts";
import { tokensRoutes } from "./server/tokens-routes.ts";

export type { PlaygroundServerContext } from "./server/server-context.ts";

/** Build the Hono app (tests call `app.request()` on it directly). */
export function createPlaygroundApp(context: PlaygroundServerContext) {
  return new Hono()
    .use(securityHeaders())
    .use(accessGuard(context.config.token))
    .use(refuseCrossSite())
    .use("/api/*", jsonBodiesOnly(), limitBodySize())
    .route("/", pageRoutes(context.assets))
    .route("/api", statusRoutes(context))
    .route("/api", chatRoutes(context))
    .route("/api", generateRoutes(context))
    .route("/api", embeddingsRoutes(context))
    .route("/api", nliRoutes(context))
    .route("/api", stanceRoutes(context))
    .route("/api", tokensRoutes(context))
    .route("/api", modelsRoutes(context))
    .route("/api", serviceRoutes(context))
    .notFound((c) => c.json({ error: { code: "not_found", message: "No such page" } }, 404))
    .onError(errorHandlerFor());
}

/** The playground's routes, as the browser's typed client (`hono/client`) sees them. */
export type PlaygroundApp = ReturnType<typeof createPlaygroundApp>;

/** A running playground server. */
export interface RunningPlayground {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Start the server on `config.host`/`config.port` (port 0 picks a free one). */
export function startPlaygroundServer(
  context: PlaygroundServerContext,
): Promise<RunningPlayground> {
  const app = createPlaygroundApp(context);
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, hostname: context.config.host, port: context.config.port },
      (info) => {
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}/`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              if ("closeAllConnections" in server)
                (server as { closeAllConnections(): void }).closeAllConnections();
              server.close(() => done());
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
