/**
 * Test support (not exported from the package): writes the tiny test models
 * of @ratatoskr/onnx-test-models into a fresh temporary directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestModelDirectories, writeTestModels } from "@ratatoskr/onnx-test-models";

/** A temporary directory holding the test models; `cleanup()` removes it. */
export async function temporaryTestModels(): Promise<TestModelDirectories & { cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "ratatoskr-onnx-"));
  const directories = await writeTestModels(join(root, "models"));
  return { ...directories, root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A fresh empty temporary directory. */
export async function temporaryDirectory(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}
