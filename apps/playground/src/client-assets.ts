/**
 * The browser bundle: built by `pnpm build` into `dist/public/`, or built in
 * memory with esbuild when the server runs from source (development, tests).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** The bundled browser app. */
export interface ClientAssets {
  script: string;
  style: string;
}

/** The browser entry point, relative to this module in `src/`. */
const CLIENT_ENTRY = new URL("./client/main.tsx", import.meta.url);

/** Bundle the browser app with esbuild (a devDependency: only needed when running from source). */
export async function buildClientAssets(
  options: { outdir?: string; minify?: boolean } = {},
): Promise<ClientAssets> {
  const esbuild = await import("esbuild");
  const write = options.outdir !== undefined;
  const result = await esbuild.build({
    entryPoints: { app: fileURLToPath(CLIENT_ENTRY) },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: "none",
    outdir: options.outdir ?? "/virtual",
    write,
    logLevel: "silent",
  });
  if (write) {
    const outdir = options.outdir!;
    return {
      script: await readFile(`${outdir}/app.js`, "utf8"),
      style: await readFile(`${outdir}/app.css`, "utf8"),
    };
  }
  const file = (extension: string) =>
    result.outputFiles?.find((output) => output.path.endsWith(extension))?.text ?? "";
  return { script: file(".js"), style: file(".css") };
}

/**
 * The browser app: `public/app.js` and `public/app.css` beside the running
 * module when built, else bundled now from the sources.
 */
export async function loadClientAssets(): Promise<ClientAssets> {
  try {
    const [script, style] = await Promise.all([
      readFile(new URL("./public/app.js", import.meta.url), "utf8"),
      readFile(new URL("./public/app.css", import.meta.url), "utf8"),
    ]);
    return { script, style };
  } catch {
    return buildClientAssets();
  }
}
