/**
 * The "key appears nowhere" check every provider test runs: a secret (a
 * canary key) must be in none of the ways an error is shown — Node's
 * `util.inspect` (what `console.error` prints), `String()`, the stack,
 * `JSON.stringify`, every error of the cause chain — nor in hook payloads or
 * captured program output. Works with any test runner: it throws.
 */
import { inspect } from "node:util";

/** Options of {@link expectNoSecret}. */
export interface ExpectNoSecretOptions {
  /** Hook payloads (or anything else serialisable) that must not hold the secret either. */
  hookEvents?: unknown;
  /** Text a program printed (stdout and stderr), which must not hold it. */
  output?: string;
  /**
   * The shortest piece of the secret's start or end that counts as a leak, so
   * a key cut by a truncation is caught too. Default: half the secret, at
   * least 8 characters.
   */
  fragmentLength?: number;
}

/** Deepest cause chain followed (chains may be cyclic). */
const MAX_CHAIN = 16;

/**
 * Throws an `Error` naming every place where `secret` (or a piece of at
 * least `fragmentLength` characters of its start or end) appears: the
 * renderings of `error` (`util.inspect` with and without hidden properties at
 * any depth, `String`, `stack`, `JSON.stringify`), the same for each error in
 * its cause chain and AggregateError `errors`, `hookEvents` and `output`.
 * The failure message shows where, with the secret masked.
 *
 * @example
 * ```ts
 * const error = await failure(provider.chat(messages, { model }));
 * expectNoSecret(error, CANARY_KEY, { hookEvents });
 * ```
 */
export function expectNoSecret(
  error: unknown,
  secret: string,
  options: ExpectNoSecretOptions = {},
): void {
  const fragmentLength = options.fragmentLength ?? Math.max(8, Math.ceil(secret.length / 2));
  const needles = [secret, secret.slice(0, fragmentLength), secret.slice(-fragmentLength)];
  const places = new Map<string, string>();
  if (error !== undefined) {
    for (const [place, text] of renderings(error, "error")) places.set(place, text);
  }
  if (options.hookEvents !== undefined) {
    places.set(
      "hook payloads (JSON)",
      safely(() => JSON.stringify(options.hookEvents)),
    );
    places.set(
      "hook payloads (inspect)",
      inspect(options.hookEvents, { depth: Number.POSITIVE_INFINITY }),
    );
  }
  if (options.output !== undefined) places.set("program output", options.output);
  const leaks: string[] = [];
  for (const [place, text] of places) {
    const needle = needles.find((candidate) => text.includes(candidate));
    if (needle !== undefined) leaks.push(`${place}: …${excerpt(text, needle, secret)}…`);
  }
  if (leaks.length > 0) {
    throw new Error(`The secret (or part of it) appears in:\n${leaks.join("\n")}`);
  }
}

/** Every rendering of `error` and of the errors it links to. */
function renderings(error: unknown, name: string): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [`util.inspect(${name})`, inspect(error, { depth: Number.POSITIVE_INFINITY })],
    [
      `util.inspect(${name}, { showHidden: true })`,
      inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    ],
  ];
  const seen = new Set<unknown>();
  let current: unknown = error;
  let path = name;
  for (let link = 0; link < MAX_CHAIN && current !== undefined && current !== null; link++) {
    if (seen.has(current)) break;
    seen.add(current);
    out.push([`String(${path})`, safely(() => String(current))]);
    out.push([`JSON.stringify(${path})`, safely(() => JSON.stringify(current))]);
    if (current instanceof Error) {
      out.push([`${path}.stack`, String(current.stack)]);
      out.push([`${path}.message`, current.message]);
      if (current instanceof AggregateError && Array.isArray(current.errors)) {
        current.errors.forEach((inner: unknown, index: number) => {
          out.push(...renderings(inner, `${path}.errors[${index}]`).slice(2));
        });
      }
    }
    current = (current as { cause?: unknown }).cause;
    path = `${path}.cause`;
  }
  return out;
}

function safely(render: () => string | undefined): string {
  try {
    return render() ?? "";
  } catch (error) {
    return `(rendering threw: ${String(error)})`;
  }
}

/** Up to 40 characters around `needle`, with every piece of the secret masked. */
function excerpt(text: string, needle: string, secret: string): string {
  const at = text.indexOf(needle);
  const around = text.slice(Math.max(0, at - 40), at + needle.length + 40);
  return around
    .split(secret)
    .join("<SECRET>")
    .split(needle)
    .join("<PART OF THE SECRET>")
    .replace(/\s+/g, " ");
}
