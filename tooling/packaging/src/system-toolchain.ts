/**
 * The system Node and npm, as a consumer has them: not the toolchain's Node
 * that the `node` devDependency puts first on PATH inside pnpm scripts.
 */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The system toolchain: where its binaries are and the environment to run them in. */
export interface SystemToolchain {
  /** Absolute path of the system `node`. */
  node: string;
  /** Its `process.version`, e.g. `v20.20.2`. */
  nodeVersion: string;
  /** An environment without the workspace's `node_modules` on PATH and without pnpm's `npm_config_*`. */
  env: NodeJS.ProcessEnv;
}

/** The output of a finished command. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** Run `file` with `args`; reject with its whole output when it exits non-zero. */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(
            `${file} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stdout}\n${stderr}`,
          ),
        );
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Find the system toolchain: the first `node` on PATH outside any `node_modules`. */
export async function systemToolchain(): Promise<SystemToolchain> {
  const directories = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((directory) => directory !== "" && !directory.includes("node_modules"));
  const directory = directories.find((candidate) => isExecutable(join(candidate, "node")));
  if (directory === undefined) {
    throw new Error(`no system node on PATH outside node_modules (PATH=${process.env.PATH})`);
  }
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|NODE_OPTIONS$|INIT_CWD$|VITEST)/i.test(name)) continue;
    env[name] = value;
  }
  env.PATH = directories.join(delimiter);
  const node = join(directory, "node");
  const { stdout } = await run(node, ["--version"], { cwd: process.cwd(), env });
  return { node, nodeVersion: stdout.trim(), env };
}
