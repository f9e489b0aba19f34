/** Temporary `home` and `/etc` directories with real files and modes, for the configuration tests. */
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { RatatoskrError } from "@ratatoskr/core";
import { expect } from "vitest";

/** A sandbox: `home` (with `.ratatoskr/`), `etc` (stands for `/etc/ratatoskr`) and `other`. */
export interface ConfigSandbox {
  readonly root: string;
  readonly home: string;
  readonly etc: string;
  /** `<home>/.ratatoskr`. */
  readonly user: string;
  /** A directory for `--config` files. */
  readonly other: string;
  /** Write `text` at `path` (directories created), with `mode` (default 0644). */
  write(path: string, text: string, mode?: number): Promise<string>;
  /** Remove everything. */
  remove(): Promise<void>;
}

/** A fresh sandbox under the system temp directory. */
export async function configSandbox(): Promise<ConfigSandbox> {
  const root = await mkdtemp(join(tmpdir(), "ratd-config-"));
  const home = join(root, "home");
  const etc = join(root, "etc");
  const other = join(root, "other");
  for (const directory of [home, etc, other]) await mkdir(directory, { recursive: true });
  return {
    root,
    home,
    etc,
    user: join(home, ".ratatoskr"),
    other,
    async write(path, text, mode = 0o644) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      await chmod(path, mode);
      return path;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** The `configuration` error `promise` rejects with (fails the test otherwise). */
export async function configurationError(promise: Promise<unknown>): Promise<RatatoskrError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(RatatoskrError.isInstance(error, "configuration"), String(error)).toBe(true);
  return error as RatatoskrError;
}
