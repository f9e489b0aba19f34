/**
 * Our .proto keeps every fact of the original protocol (ratatoskr v0.3.4's
 * proto/ratatoskr.proto, recorded as names, numbers and types in
 * fixtures/rust-ratatoskr-v0.3.4.facts.json): the service and its methods,
 * every message's fields (name, number, type, label) and every enum value.
 * What we add is numbered from 100 up.
 */
import { readFileSync } from "node:fs";
import { type DescField, ScalarType } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { file_ratatoskr_v1_ratatoskr, Ratatoskr } from "../src/index.ts";

interface FieldFact {
  name: string;
  number: number;
  type: string;
  repeated?: boolean;
  map?: boolean;
  keyType?: string;
  optional?: boolean;
  oneof?: string;
}

interface Facts {
  package: string;
  services: Record<
    string,
    Array<{
      name: string;
      input: string;
      output: string;
      serverStreaming: boolean;
      clientStreaming: boolean;
    }>
  >;
  messages: Record<string, FieldFact[]>;
  enums: Record<string, Array<{ name: string; number: number }>>;
}

const facts = JSON.parse(
  readFileSync(new URL("./fixtures/rust-ratatoskr-v0.3.4.facts.json", import.meta.url), "utf8"),
) as Facts;

const EXTENSIONS_FROM = 100;

/** The RPCs this project adds to the original service, in order (the package README lists them). */
const EXTENSION_RPCS = ["FitsContext", "Route"];

function scalarName(scalar: ScalarType): string {
  return ScalarType[scalar].toLowerCase();
}

/** A field of ours, described the way the facts describe a field. */
function describeField(field: DescField): FieldFact {
  const fact: FieldFact = { name: field.name, number: field.number, type: "" };
  switch (field.fieldKind) {
    case "scalar":
      fact.type = scalarName(field.scalar);
      break;
    case "enum":
      fact.type = field.enum.name;
      break;
    case "message":
      fact.type = field.message.name;
      break;
    case "list":
      fact.repeated = true;
      fact.type =
        field.listKind === "scalar"
          ? scalarName(field.scalar)
          : field.listKind === "enum"
            ? field.enum.name
            : field.message.name;
      break;
    case "map":
      fact.map = true;
      fact.keyType = scalarName(field.mapKey);
      fact.type =
        field.mapKind === "scalar"
          ? scalarName(field.scalar)
          : field.mapKind === "enum"
            ? field.enum.name
            : field.message.name;
      break;
  }
  if (field.proto.proto3Optional) fact.optional = true;
  if (field.oneof !== undefined) fact.oneof = field.oneof.name;
  return fact;
}

const ours = {
  messages: new Map(file_ratatoskr_v1_ratatoskr.messages.map((message) => [message.name, message])),
  enums: new Map(file_ratatoskr_v1_ratatoskr.enums.map((descEnum) => [descEnum.name, descEnum])),
};

describe("the original protocol's facts", () => {
  it("were read from the original proto (sanity: 20 RPCs, dozens of messages)", () => {
    expect(facts.package).toBe("ratatoskr.v1");
    expect(facts.services.Ratatoskr).toHaveLength(20);
    expect(Object.keys(facts.messages).length).toBeGreaterThan(50);
    expect(Object.keys(facts.enums)).toContain("FinishReason");
  });

  it("same package and service: every RPC with the same name, types and streaming, then only the extension RPCs", () => {
    expect(file_ratatoskr_v1_ratatoskr.proto.package).toBe(facts.package);
    expect(Ratatoskr.typeName).toBe("ratatoskr.v1.Ratatoskr");
    const methods = Ratatoskr.methods.map((method) => ({
      name: method.name,
      input: method.input.name,
      output: method.output.name,
      serverStreaming: method.methodKind === "server_streaming",
      clientStreaming: method.methodKind === "client_streaming",
    }));
    const original = facts.services.Ratatoskr ?? [];
    expect(methods.slice(0, original.length)).toEqual(original);
    // Extension RPCs (new names, new messages) come after the original's.
    expect(methods.slice(original.length).map((method) => method.name)).toEqual(EXTENSION_RPCS);
  });

  it.each(Object.entries(facts.messages))(
    "message %s keeps every field: name, number, type and label",
    (name, fields) => {
      const message = ours.messages.get(name);
      expect(message, `message ${name}`).toBeDefined();
      const byNumber = new Map(message!.fields.map((field) => [field.number, field]));
      for (const fact of fields) {
        const field = byNumber.get(fact.number);
        expect(field, `${name} field ${fact.number}`).toBeDefined();
        expect(describeField(field!), `${name}.${fact.name}`).toEqual(fact);
      }
      const originalNumbers = new Set(fields.map((fact) => fact.number));
      const added = message!.fields.filter((field) => !originalNumbers.has(field.number));
      for (const field of added) {
        expect(field.number, `${name}.${field.name} is an extension`).toBeGreaterThanOrEqual(
          EXTENSIONS_FROM,
        );
      }
    },
  );

  it.each(Object.entries(facts.enums))(
    "enum %s keeps every value; added values are numbered from 100",
    (name, values) => {
      const descEnum = ours.enums.get(name);
      expect(descEnum, `enum ${name}`).toBeDefined();
      const theirs = descEnum!.values.map((value) => ({ name: value.name, number: value.number }));
      expect(theirs.slice(0, values.length)).toEqual(values);
      for (const added of theirs.slice(values.length)) {
        expect(added.number, `${name}.${added.name}`).toBeGreaterThanOrEqual(EXTENSIONS_FROM);
      }
    },
  );

  it("every oneof of the original keeps its members (extension members numbered from 100)", () => {
    for (const [name, fields] of Object.entries(facts.messages)) {
      const message = ours.messages.get(name)!;
      for (const oneof of message.oneofs) {
        const original = fields.filter((fact) => fact.oneof === oneof.name).map((f) => f.number);
        for (const member of oneof.fields) {
          if (!original.includes(member.number)) {
            expect(member.number, `${name}.${member.name}`).toBeGreaterThanOrEqual(EXTENSIONS_FROM);
          }
        }
      }
    }
  });
});

describe("the README's table of extensions", () => {
  it("lists every extension field and enum value with its number, and nothing else", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const listed = [...readme.matchAll(/^\| `(\w+)`\s*\| `(\w+)`\s*\| (\d+)\s*\|/gm)].map(
      ([, container, name, number]) => `${container}.${name} = ${number}`,
    );
    const extensions: string[] = [];
    for (const message of file_ratatoskr_v1_ratatoskr.messages) {
      if (facts.messages[message.name] === undefined) continue;
      for (const field of message.fields) {
        if (field.number >= EXTENSIONS_FROM) {
          extensions.push(`${message.name}.${field.name} = ${field.number}`);
        }
      }
    }
    for (const descEnum of file_ratatoskr_v1_ratatoskr.enums) {
      if (facts.enums[descEnum.name] === undefined) continue;
      for (const value of descEnum.values) {
        if (value.number >= EXTENSIONS_FROM) {
          extensions.push(`${descEnum.name}.${value.name} = ${value.number}`);
        }
      }
    }
    expect(extensions.length).toBeGreaterThan(40);
    expect([...listed].sort()).toEqual([...extensions].sort());
  });
});
