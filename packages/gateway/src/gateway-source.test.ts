/**
 * The gateway holds no provider knowledge: no file under src (tests aside)
 * names a first-party provider — its id, alias, display name or package —
 * nor a vendor's model family. Routing preferences come from the registered
 * providers' descriptors, shorthands from the catalog.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PROVIDER_CATALOG } from "@ratatoskr/catalog";
import { describe, expect, it } from "vitest";

const sourceDirectory = fileURLToPath(new URL(".", import.meta.url));

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** What a source file must not contain, with a name for the failure message. */
const FORBIDDEN: Array<{ name: string; pattern: RegExp }> = [
  ...PROVIDER_CATALOG.flatMap((entry) => [
    { name: `package ${entry.packageName}`, pattern: new RegExp(escapeRegExp(entry.packageName)) },
    {
      name: `display name ${entry.displayName}`,
      pattern: new RegExp(escapeRegExp(entry.displayName), "i"),
    },
    ...[entry.id, ...entry.aliases].map((id) => ({
      name: `id "${id}" as a string or prefix`,
      pattern: new RegExp(`["'\`]${escapeRegExp(id)}[:"'\`]`),
    })),
  ]),
  ...[
    "openrouter",
    "openai",
    "anthropic",
    "ollama",
    "hugging ?face",
    "claude",
    "gpt-?\\d",
    "llama",
    "onnx",
  ].map((word) => ({ name: `the word ${word}`, pattern: new RegExp(`\\b${word}`, "i") })),
  { name: "a provider package", pattern: /@ratatoskr\/(provider-(?!utils)|tokenizers)/ },
];

const sources = readdirSync(sourceDirectory).filter(
  (file) => file.endsWith(".ts") && !/\.test(-d)?\.ts$/.test(file) && file !== "test-helpers.ts",
);

describe("the gateway's source names no provider", () => {
  it("finds source files to check", () => {
    expect(sources).toContain("gateway.ts");
    expect(sources).toContain("router.ts");
    expect(sources).toContain("ratatoskr-builder.ts");
  });

  it.each(sources)("%s", (file) => {
    const text = readFileSync(`${sourceDirectory}${file}`, "utf8");
    const found = FORBIDDEN.filter(({ pattern }) => pattern.test(text)).map(({ name }) => name);
    expect(found).toEqual([]);
  });

  it("the check catches a provider name (checked against a sample)", () => {
    const sample = 'const preferred = model.startsWith("claude") ? "anthropic" : "ollama";';
    expect(FORBIDDEN.filter(({ pattern }) => pattern.test(sample)).length).toBeGreaterThan(0);
  });
});
