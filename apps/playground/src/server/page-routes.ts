/**
 * The page and its two assets. The page is never cached (it is where the
 * token login lands); the assets are revalidated on every load.
 */
import { Hono } from "hono";
import type { ClientAssets } from "../client-assets.ts";
import { renderIndexHtml } from "../index-html.ts";

/** `GET /`, `/assets/app.js`, `/assets/app.css`. */
export function pageRoutes(assets: ClientAssets) {
  return new Hono()
    .get("/", (c) => {
      c.header("cache-control", "no-store");
      return c.html(renderIndexHtml());
    })
    .get("/assets/app.js", (c) => {
      c.header("content-type", "text/javascript; charset=utf-8");
      c.header("cache-control", "no-cache");
      return c.body(assets.script);
    })
    .get("/assets/app.css", (c) => {
      c.header("content-type", "text/css; charset=utf-8");
      c.header("cache-control", "no-cache");
      return c.body(assets.style);
    });
}
