/**
 * `chatObject` with a real schema library (zod 4, a dev dependency only):
 * its Standard Schema `validate`, its Standard JSON Schema converter, its
 * transforms and defaults, and its issue paths.
 */
import { createUsage } from "@ratatoskr/core";
import { createMockProvider } from "@ratatoskr/testing";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { chatObject, chatObjectStream } from "./chat-object.ts";
import { Ratatoskr } from "./index.ts";
import { drain, errorOf, hello } from "./test-helpers.ts";

const Recipe = z.object({
  title: z.string(),
  minutes: z.number().int().positive(),
  tags: z.array(z.string()).default([]),
  servings: z.string().transform((text) => Number.parseInt(text, 10)),
});

async function setup(content: string) {
  const mock = createMockProvider();
  mock.enqueueChat({ content, toolCalls: [], finishReason: "stop", usage: createUsage(3, 4) });
  const gateway = await Ratatoskr.builder().use(mock).retry(false).build();
  return { mock, gateway };
}

describe("chatObject with zod 4", () => {
  it("sends zod's input JSON Schema and returns zod's output (defaults and transforms applied)", async () => {
    const { mock, gateway } = await setup('{"title": "Soup", "minutes": 20, "servings": "4"}');
    const { object: recipe } = await chatObject(gateway, hello, { model: "m", schema: Recipe });
    expectTypeOf(recipe).toEqualTypeOf<z.output<typeof Recipe>>();
    expect(recipe).toEqual({ title: "Soup", minutes: 20, tags: [], servings: 4 });
    const sent = mock.callsOf("chat")[0]!.request.settings.responseFormat;
    expect(sent).toEqual({
      type: "json_schema",
      name: "response",
      schema: {
        type: "object",
        properties: {
          title: { type: "string" },
          minutes: { type: "integer", exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          tags: { default: [], type: "array", items: { type: "string" } },
          servings: { type: "string" },
        },
        required: ["title", "minutes", "servings"],
      },
    });
  });

  it("reports zod's issues with their paths", async () => {
    const { gateway } = await setup(
      '{"title": "Soup", "minutes": -1, "tags": [1], "servings": "4"}',
    );
    const error = await errorOf(chatObject(gateway, hello, { model: "m", schema: Recipe }));
    expect(error.code).toBe("data");
    const issues = (error.details as { issues: Array<{ path: unknown[] }> }).issues;
    expect(issues.map((issue) => issue.path)).toEqual([["minutes"], ["tags", 0]]);
  });

  it("streams partials typed from zod's input and ends with zod's output", async () => {
    const mock = createMockProvider().enqueueStream([
      { type: "content", text: '{"title": "So' },
      { type: "content", text: 'up", "minutes": 20, "servings": "2"}' },
      { type: "done", finishReason: "stop" },
    ]);
    const gateway = await Ratatoskr.builder().use(mock).build();
    const events = await drain(chatObjectStream(gateway, hello, { model: "m", schema: Recipe }));
    expect(events.map((event) => event.object)).toEqual([
      { title: "So" },
      { title: "Soup", minutes: 20, servings: "2" },
      { title: "Soup", minutes: 20, tags: [], servings: 2 },
    ]);
    const partial = events[0]!;
    if (partial.type === "partial")
      expectTypeOf(partial.object.servings).toEqualTypeOf<string | undefined>();
  });
});
