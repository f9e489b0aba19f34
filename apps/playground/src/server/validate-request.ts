/**
 * Request validation through `@hono/standard-validator`: a body or query
 * that does not fit its schema is answered 400 `invalid_input`, with the
 * first problem's field named in the message and in `field`. Nothing of
 * the input, the schema library or a stack trace is echoed back.
 */
import { sValidator } from "@hono/standard-validator";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Context } from "hono";

/** The dotted path of an issue (`messages.0.role`), or undefined for the body itself. */
export function issuePath(issue: StandardSchemaV1.Issue): string | undefined {
  if (issue.path === undefined || issue.path.length === 0) return undefined;
  return issue.path
    .map((segment) => String(typeof segment === "object" ? segment.key : segment))
    .join(".");
}

/** The 400 answer for a request that failed its schema. */
function invalidInput(issues: readonly StandardSchemaV1.Issue[], c: Context) {
  const first = issues[0];
  const field = first === undefined ? undefined : issuePath(first);
  const problem = first?.message ?? "is not valid";
  return c.json(
    {
      error: {
        code: "invalid_input",
        message: field === undefined ? problem : `"${field}" ${problem}`,
        ...(field === undefined ? {} : { field }),
      },
    },
    400,
  );
}

/** Validate the JSON body against `schema`; the handler reads it with `c.req.valid("json")`. */
export function validJson<Schema extends StandardSchemaV1>(schema: Schema) {
  return sValidator("json", schema, (result, c) => {
    if (!result.success) return invalidInput(result.error, c);
  });
}

/** Validate the query string against `schema`; the handler reads it with `c.req.valid("query")`. */
export function validQuery<Schema extends StandardSchemaV1>(schema: Schema) {
  return sValidator("query", schema, (result, c) => {
    if (!result.success) return invalidInput(result.error, c);
  });
}
