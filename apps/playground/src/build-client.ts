/**
 * `pnpm build` step: bundle the browser app into `dist/public/`.
 */
import { fileURLToPath } from "node:url";
import { buildClientAssets } from "./client-assets.ts";

const outdir = fileURLToPath(new URL("../dist/public", import.meta.url));
const assets = await buildClientAssets({ outdir });
console.log(
  `browser bundle: dist/public/app.js (${(assets.script.length / 1024).toFixed(1)} KiB), app.css (${(assets.style.length / 1024).toFixed(1)} KiB)`,
);
