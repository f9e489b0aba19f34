/**
 * After a package's declarations are bundled, put `// @ts-ignore` above each
 * import from one of its optional peer dependencies (`peerDependenciesMeta`).
 * An application that has not installed that peer then compiles with
 * `skipLibCheck: false` as well: the import resolves to `any`, and the
 * package's types fall back (the gateway's shorthand settings become a plain
 * record). The bundler drops such comments from the source, hence this step.
 *
 * Run from the package directory, after tsup: `node ../../tooling/scripts/mark-optional-peer-imports.mjs`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const MARK = "// @ts-ignore optional peer dependency: its types fall back when it is not installed";

const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const optionalPeers = new Set(
  Object.entries(manifest.peerDependenciesMeta ?? {})
    .filter(([, meta]) => meta?.optional === true)
    .map(([name]) => name),
);
const declarations = readdirSync("dist")
  .filter((file) => file.endsWith(".d.ts") || file.endsWith(".d.cts"))
  .map((file) => join("dist", file));

let marked = 0;
for (const file of declarations) {
  const lines = readFileSync(file, "utf8").split("\n");
  const output = [];
  for (const line of lines) {
    const specifier = /^import\b.*\bfrom ['"]([^'"]+)['"];?\s*$/.exec(line)?.[1];
    if (specifier !== undefined && optionalPeers.has(specifier) && output.at(-1) !== MARK) {
      output.push(MARK);
      marked++;
    }
    output.push(line);
  }
  writeFileSync(file, output.join("\n"));
}
console.log(
  `${manifest.name}: marked ${marked} optional-peer imports in ${declarations.length} declaration files`,
);
