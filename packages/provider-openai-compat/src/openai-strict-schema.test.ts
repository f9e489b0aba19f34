import { describe, expect, it } from "vitest";
import { toOpenAIStrictSchema } from "./openai-strict-schema.ts";

describe("toOpenAIStrictSchema", () => {
  it("returns an already-strict schema unchanged (same object) with no changes", () => {
    const schema = {
      type: "object",
      properties: {
        name: { type: "string", format: "email", pattern: "^a" },
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
        nick: { type: ["string", "null"] },
      },
      required: ["nick", "name", "tags"],
      additionalProperties: false,
    };
    const result = toOpenAIStrictSchema(schema);
    expect(result.changes).toEqual([]);
    expect(result.schema).toBe(schema);
  });

  it("closes nested objects and arrays of objects, making optional properties required and nullable", () => {
    const schema = {
      type: "object",
      properties: {
        title: { type: "string" },
        author: {
          type: "object",
          properties: { name: { type: "string" }, born: { type: "integer" } },
          required: ["name"],
        },
        chapters: {
          type: "array",
          items: {
            type: "object",
            properties: {
              heading: { type: "string" },
              mood: { enum: ["calm", "tense"] },
              notes: { $ref: "#/$defs/note" },
            },
            required: ["heading"],
          },
        },
      },
      required: ["title", "author", "chapters"],
    };
    const before = structuredClone(schema);
    const result = toOpenAIStrictSchema(schema);
    expect(schema).toEqual(before);
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        title: { type: "string" },
        author: {
          type: "object",
          properties: { name: { type: "string" }, born: { type: ["integer", "null"] } },
          required: ["name", "born"],
          additionalProperties: false,
        },
        chapters: {
          type: "array",
          items: {
            type: "object",
            properties: {
              heading: { type: "string" },
              mood: { anyOf: [{ enum: ["calm", "tense"] }, { type: "null" }] },
              notes: { anyOf: [{ $ref: "#/$defs/note" }, { type: "null" }] },
            },
            required: ["heading", "mood", "notes"],
            additionalProperties: false,
          },
        },
      },
      required: ["title", "author", "chapters"],
      additionalProperties: false,
    });
    expect(result.changes).toEqual([
      "#/properties/author: added additionalProperties: false",
      "#/properties/author: made optional born required and nullable",
      "#/properties/chapters/items: added additionalProperties: false",
      "#/properties/chapters/items: made optional mood, notes required and nullable",
      "#: added additionalProperties: false",
    ]);
  });

  it("rewrites $defs members and anyOf branches but leaves $ref pointers intact", () => {
    const schema = {
      type: "object",
      properties: {
        root: { $ref: "#/$defs/node" },
        either: { anyOf: [{ type: "object", properties: { a: { type: "string" } } }] },
      },
      required: ["root", "either"],
      additionalProperties: false,
      $defs: {
        node: {
          type: "object",
          properties: {
            value: { type: "string" },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
          },
          required: ["value", "children"],
        },
      },
    };
    const result = toOpenAIStrictSchema(schema);
    expect(result.schema).toEqual({
      ...schema,
      properties: {
        root: { $ref: "#/$defs/node" },
        either: {
          anyOf: [
            {
              type: "object",
              properties: { a: { type: ["string", "null"] } },
              additionalProperties: false,
              required: ["a"],
            },
          ],
        },
      },
      $defs: { node: { ...schema.$defs.node, additionalProperties: false } },
    });
    expect(result.changes).toEqual([
      "#/$defs/node: added additionalProperties: false",
      "#/properties/either/anyOf/0: added additionalProperties: false",
      "#/properties/either/anyOf/0: made optional a required and nullable",
    ]);
  });

  it("removes keywords strict mode rejects and formats it does not list; replaces open additionalProperties", () => {
    const result = toOpenAIStrictSchema({
      type: "object",
      properties: {
        code: { type: "string", minLength: 2, maxLength: 8, format: "uri" },
        when: { type: "string", format: "date-time" },
        ids: { type: "array", items: { type: "integer" }, uniqueItems: true, maxItems: 3 },
      },
      required: ["code", "when", "ids"],
      additionalProperties: { type: "string" },
      minProperties: 1,
    });
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        code: { type: "string" },
        when: { type: "string", format: "date-time" },
        ids: { type: "array", items: { type: "integer" }, maxItems: 3 },
      },
      required: ["code", "when", "ids"],
      additionalProperties: false,
    });
    expect(result.changes).toEqual([
      "#: removed minProperties",
      "#/properties/code: removed minLength",
      "#/properties/code: removed maxLength",
      '#/properties/code: removed format "uri"',
      "#/properties/ids: removed uniqueItems",
      "#: replaced additionalProperties with false",
    ]);
  });

  it("keeps a nullable property nullable, adds a missing required list, and escapes pointer segments", () => {
    const result = toOpenAIStrictSchema({
      type: "object",
      properties: {
        "a/b": { type: ["string", "null"] },
        "c~d": { anyOf: [{ type: "string" }, { type: "null" }] },
      },
      additionalProperties: false,
    });
    expect(result.schema).toEqual({
      type: "object",
      properties: {
        "a/b": { type: ["string", "null"] },
        "c~d": { anyOf: [{ type: "string" }, { type: "null" }] },
      },
      required: ["a/b", "c~d"],
      additionalProperties: false,
    });
    expect(result.changes).toEqual(["#: made optional a/b, c~d required and nullable"]);
    expect(
      toOpenAIStrictSchema({
        type: "object",
        properties: { "x/y": { type: "object", properties: {}, required: [] } },
        required: ["x/y"],
        additionalProperties: false,
      }).changes,
    ).toEqual(["#/properties/x~1y: added additionalProperties: false"]);
  });
});
