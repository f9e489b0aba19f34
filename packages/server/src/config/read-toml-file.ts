/**
 * Read and parse one TOML file with `smol-toml`; an unreadable or
 * unparsable file is a `configuration` error naming the file, with the
 * line and column of a syntax error. The error never quotes the file's
 * text (smol-toml's code excerpt is dropped: a secrets file's key could be
 * on that line).
 */
import { readFile } from "node:fs/promises";
import { parse, TomlError } from "smol-toml";
import { configError } from "./config-error.ts";

/** The parsed top-level table of `file`. */
export async function readTomlFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw configError(file, undefined, `cannot be read (${code})`);
  }
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const problem = (error.message.split("\n")[0] ?? "").replace(
        /^Invalid TOML document:\s*/,
        "",
      );
      throw configError(
        file,
        undefined,
        `invalid TOML at line ${error.line}, column ${error.column}: ${problem}`,
      );
    }
    throw configError(file, undefined, "invalid TOML");
  }
}
