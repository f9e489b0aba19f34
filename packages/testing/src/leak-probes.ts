/**
 * Probes for tests that prove nothing is left behind or loaded too early.
 */
import { runNodeScript } from "./run-node-script.ts";

/**
 * Count the `abort` listeners currently registered on `signal` (listeners
 * added minus removed, from now on). For "no listener left on a long-lived
 * signal" tests.
 */
export function trackAbortListeners(signal: AbortSignal): {
  /** The listeners registered now (added minus removed since the call). */
  readonly count: number;
} {
  let live = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<AbortSignal["addEventListener"]>) => {
    if (args[0] === "abort") live++;
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<AbortSignal["removeEventListener"]>) => {
    if (args[0] === "abort") live--;
    remove(...args);
  };
  return {
    get count() {
      return live;
    },
  };
}

/**
 * Import `specifier` in a fresh Node process (with the workspace's
 * `@ratatoskr/source` condition, from `cwd`) and resolve with the URL of every
 * module it resolved — to prove an import loads no heavy dependency. No time
 * limit of its own: the calling test's timeout is the hang guard.
 */
export async function modulesResolvedBy(specifier: string, cwd: string): Promise<string[]> {
  const script = `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify(seen));
  `;
  const child = await runNodeScript(script, { cwd });
  if (child.status !== 0) throw new Error(`importing ${specifier} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as string[];
}
