/**
 * A model directory is a trust boundary: every path the provider opens
 * (configured file names, Hub file names, ONNX external-data references)
 * must stay inside it, also after following symlinks.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";

function refused(message: string, path: string): RatatoskrError {
  return new RatatoskrError({
    code: "configuration",
    message,
    provider: "local",
    details: { path },
  });
}

/**
 * Require a relative path that cannot leave its directory: no `..` segment,
 * not absolute (POSIX, Windows drive or UNC), no backslash, no NUL, not empty.
 */
export function assertSafeRelativePath(path: string, what: string): void {
  if (typeof path !== "string" || path.length === 0)
    throw refused(`${what}: empty path`, String(path));
  if (path.includes("\0")) throw refused(`${what}: path contains a NUL byte`, path);
  if (path.includes("\\")) throw refused(`${what}: backslashes are not allowed in "${path}"`, path);
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith("/")) {
    throw refused(
      `${what}: absolute path "${path}" refused; paths must stay inside the model directory`,
      path,
    );
  }
  if (path.split("/").some((segment) => segment === "..")) {
    throw refused(`${what}: "${path}" escapes the model directory ("..")`, path);
  }
}

/** Whether `child` (absolute, resolved) is `root` or inside it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Join `relativePath` to `root` and check that the result, with symlinks
 * resolved, is still inside `root` (resolved). The file must exist.
 */
export async function resolveInside(
  root: string,
  relativePath: string,
  what: string,
): Promise<string> {
  assertSafeRelativePath(relativePath, what);
  const realRoot = await realpath(root);
  const joined = join(realRoot, relativePath);
  let real: string;
  try {
    real = await realpath(joined);
  } catch (error) {
    throw new RatatoskrError({
      code: "configuration",
      message: `${what}: "${relativePath}" does not exist in ${root}`,
      provider: "local",
      cause: error,
    });
  }
  if (!isInside(realRoot, real)) {
    throw refused(
      `${what}: "${relativePath}" resolves outside the model directory (symlink)`,
      relativePath,
    );
  }
  return real;
}
