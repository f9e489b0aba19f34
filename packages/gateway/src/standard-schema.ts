/**
 * The Standard Schema v1 interface (https://standardschema.dev), and its
 * Standard JSON Schema companion (https://standardschema.dev/json-schema):
 * the type definitions of `@standard-schema/spec` 1.1.0 (MIT), copied as
 * the specification intends so that this package has no dependency on it.
 * Zod (3.24+ and 4), Valibot, ArkType, Effect Schema and others implement
 * `StandardSchemaV1`; Zod 4.2+ and ArkType 2.1.28+ also carry the JSON
 * Schema converter of `StandardJSONSchemaV1` on the same `~standard` object.
 *
 * Plus the runtime side used by `chatObject`: checking that a value is such
 * a schema, reading the JSON Schema it carries, and running its `validate`
 * so that nothing it throws escapes as anything but a `RatatoskrError`.
 */
import { RatatoskrError } from "@ratatoskr/core";

/** The Standard Typed interface: the base that `StandardSchemaV1` and `StandardJSONSchemaV1` extend. */
export interface StandardTypedV1<Input = unknown, Output = Input> {
  /** The Standard properties. */
  readonly "~standard": StandardTypedV1.Props<Input, Output>;
}

/** Types of {@link StandardTypedV1}. */
export declare namespace StandardTypedV1 {
  /** The Standard Typed properties interface. */
  interface Props<Input = unknown, Output = Input> {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library. */
    readonly vendor: string;
    /** Inferred types associated with the schema. */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** The Standard Typed types interface. */
  interface Types<Input = unknown, Output = Input> {
    /** The input type of the schema. */
    readonly input: Input;
    /** The output type of the schema. */
    readonly output: Output;
  }
  /** Infers the input type of a Standard Typed. */
  type InferInput<Schema extends StandardTypedV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];
  /** Infers the output type of a Standard Typed. */
  type InferOutput<Schema extends StandardTypedV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}

/** The Standard Schema interface: a validator any library can implement. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

/** Types of {@link StandardSchemaV1}. */
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties interface. */
  interface Props<Input = unknown, Output = Input> extends StandardTypedV1.Props<Input, Output> {
    /** Validates unknown input values. */
    readonly validate: (
      value: unknown,
      options?: StandardSchemaV1.Options | undefined,
    ) => Result<Output> | Promise<Result<Output>>;
  }
  /** The result interface of the validate function. */
  type Result<Output> = SuccessResult<Output> | FailureResult;
  /** The result interface if validation succeeds. */
  interface SuccessResult<Output> {
    /** The typed output value. */
    readonly value: Output;
    /** A falsy value for `issues` indicates success. */
    readonly issues?: undefined;
  }
  /** Options of the validate function. */
  interface Options {
    /** Explicit support for additional vendor-specific parameters, if needed. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  /** The result interface if validation fails. */
  interface FailureResult {
    /** The issues of failed validation. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** The issue interface of the failure output. */
  interface Issue {
    /** The error message of the issue. */
    readonly message: string;
    /** The path of the issue, if any. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** The path segment interface of the issue. */
  interface PathSegment {
    /** The key representing a path segment. */
    readonly key: PropertyKey;
  }
  /** The Standard types interface. */
  interface Types<Input = unknown, Output = Input> extends StandardTypedV1.Types<Input, Output> {}
  /** Infers the input type of a Standard. */
  type InferInput<Schema extends StandardTypedV1> = StandardTypedV1.InferInput<Schema>;
  /** Infers the output type of a Standard. */
  type InferOutput<Schema extends StandardTypedV1> = StandardTypedV1.InferOutput<Schema>;
}

/** The Standard JSON Schema interface: a schema that can describe itself as JSON Schema. */
export interface StandardJSONSchemaV1<Input = unknown, Output = Input> {
  /** The Standard JSON Schema properties. */
  readonly "~standard": StandardJSONSchemaV1.Props<Input, Output>;
}

/** Types of {@link StandardJSONSchemaV1}. */
export declare namespace StandardJSONSchemaV1 {
  /** The Standard JSON Schema properties interface. */
  interface Props<Input = unknown, Output = Input> extends StandardTypedV1.Props<Input, Output> {
    /** Methods for generating the input/output JSON Schema. */
    readonly jsonSchema: StandardJSONSchemaV1.Converter;
  }
  /** The Standard JSON Schema converter interface. */
  interface Converter {
    /** Converts the input type to JSON Schema. May throw if conversion is not supported. */
    readonly input: (options: StandardJSONSchemaV1.Options) => Record<string, unknown>;
    /** Converts the output type to JSON Schema. May throw if conversion is not supported. */
    readonly output: (options: StandardJSONSchemaV1.Options) => Record<string, unknown>;
  }
  /** The target version of the generated JSON Schema. */
  type Target = "draft-2020-12" | "draft-07" | "openapi-3.0" | ({} & string);
  /** The options for the input/output methods. */
  interface Options {
    /** Specifies the target version of the generated JSON Schema. */
    readonly target: Target;
    /** Explicit support for additional vendor-specific parameters, if needed. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  /** The Standard types interface. */
  interface Types<Input = unknown, Output = Input> extends StandardTypedV1.Types<Input, Output> {}
  /** Infers the input type of a Standard. */
  type InferInput<Schema extends StandardTypedV1> = StandardTypedV1.InferInput<Schema>;
  /** Infers the output type of a Standard. */
  type InferOutput<Schema extends StandardTypedV1> = StandardTypedV1.InferOutput<Schema>;
}

/** The output type of a Standard Schema: what `chatObject` resolves to. */
export type InferOutput<Schema extends StandardTypedV1> = StandardTypedV1.InferOutput<Schema>;

/** The JSON Schema target `chatObject` asks a Standard JSON Schema converter for. */
export const JSON_SCHEMA_TARGET = "draft-2020-12";

/** One validation issue as `chatObject` reports it: a plain path of keys, and the message. */
export interface SchemaIssue {
  /** Where in the answer: object keys and array indexes (symbol keys as their description); `[]` for the root. */
  path: Array<string | number>;
  /** The schema library's message. */
  message: string;
}

/** The outcome of {@link runStandardValidate}. */
export type ValidationOutcome<Output> =
  | { ok: true; value: Output }
  | { ok: false; issues: SchemaIssue[] }
  | { ok: false; thrown: unknown; reason: string };

/** The `~standard` properties of `schema` when it is a Standard Schema v1 object with a `validate` function. */
export function standardPropsOf(schema: unknown): StandardSchemaV1.Props | undefined {
  if ((typeof schema !== "object" && typeof schema !== "function") || schema === null) {
    return undefined;
  }
  const props: unknown = (schema as Record<string, unknown>)["~standard"];
  if (typeof props !== "object" || props === null) return undefined;
  const record = props as Record<string, unknown>;
  if (record.version !== 1 || typeof record.validate !== "function") return undefined;
  return props as StandardSchemaV1.Props;
}

/**
 * The JSON Schema of the values `schema` accepts, when it carries a
 * Standard JSON Schema converter (`~standard.jsonSchema.input`): the
 * converter's {@link JSON_SCHEMA_TARGET} schema without its top-level
 * `$schema` keyword (metadata that some provider dialects reject).
 * `undefined` when there is no converter; a converter that throws or
 * returns something other than an object is reported to the caller as
 * `invalid_input` on `options.schema`.
 *
 * The input side is what the model must produce: `validate` takes the
 * model's JSON as its input and returns the output (after transforms and
 * defaults).
 */
export function jsonSchemaFromStandard(
  props: StandardSchemaV1.Props,
): Record<string, unknown> | undefined {
  const converter: unknown = (props as Partial<StandardJSONSchemaV1.Props>).jsonSchema;
  if (typeof converter !== "object" || converter === null) return undefined;
  const input: unknown = (converter as Record<string, unknown>).input;
  if (typeof input !== "function") return undefined;
  let schema: unknown;
  try {
    schema = input.call(converter, { target: JSON_SCHEMA_TARGET });
  } catch (error) {
    throw new RatatoskrError({
      code: "invalid_input",
      message: `options.schema could not be converted to JSON Schema by its library (${props.vendor}); pass options.jsonSchema`,
      cause: error,
      details: { field: "options.schema" },
    });
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new RatatoskrError({
      code: "invalid_input",
      message: `options.schema's JSON Schema converter (${props.vendor}) returned no object; pass options.jsonSchema`,
      details: { field: "options.schema" },
    });
  }
  const { $schema: _metadata, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/**
 * Run `~standard.validate` on `value`, awaiting it when it returns a
 * promise. Never throws: a `validate` that throws, rejects or returns
 * something that is not a Standard result comes back as `thrown` with the
 * reason.
 */
export async function runStandardValidate<Output>(
  props: StandardSchemaV1.Props<unknown, Output>,
  value: unknown,
): Promise<ValidationOutcome<Output>> {
  let result: unknown;
  try {
    result = await props.validate(value);
  } catch (error) {
    return { ok: false, thrown: error, reason: "the schema's validate threw" };
  }
  if (typeof result !== "object" || result === null) {
    return { ok: false, thrown: undefined, reason: "the schema's validate returned no result" };
  }
  const issues: unknown = (result as Record<string, unknown>).issues;
  if (issues) {
    if (!Array.isArray(issues)) {
      return { ok: false, thrown: undefined, reason: "the schema's validate returned bad issues" };
    }
    return { ok: false, issues: issues.map(plainIssue) };
  }
  return { ok: true, value: (result as StandardSchemaV1.SuccessResult<Output>).value };
}

function plainIssue(issue: unknown): SchemaIssue {
  if (typeof issue !== "object" || issue === null) return { path: [], message: String(issue) };
  const record = issue as Record<string, unknown>;
  const message = typeof record.message === "string" ? record.message : "invalid";
  const path = Array.isArray(record.path) ? record.path.map(plainKey) : [];
  return { path, message };
}

function plainKey(segment: unknown): string | number {
  const key: unknown =
    typeof segment === "object" && segment !== null
      ? (segment as StandardSchemaV1.PathSegment).key
      : segment;
  if (typeof key === "number" || typeof key === "string") return key;
  if (typeof key === "symbol") return key.description ?? key.toString();
  return String(key);
}
