import { fileURLToPath } from "node:url";
import { runNodeScript } from "@ratatoskr/testing";
import { describe, expect, it } from "vitest";

describe("importing the package stays cheap", () => {
  it("does not load onnxruntime-node or @huggingface/tokenizers until a model is used", async () => {
    const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
    const script = `
      import { registerHooks } from "node:module";
      const resolved = [];
      registerHooks({
        resolve(specifier, context, next) {
          const result = next(specifier, context);
          resolved.push(result.url);
          return result;
        },
      });
      const loaded = (name) => resolved.some((url) => url.includes(name));
      const local = await import(${JSON.stringify(entry)});
      local.createLocalOnnx({ embeddingModels: ["AllMiniLmL6V2"] });
      const before = { ort: loaded("onnxruntime-node"), tokenizers: loaded("tokenizers@") };
      await local.loadOnnxRuntime();
      console.log(JSON.stringify({ before, after: loaded("onnxruntime-node") }));
    `;
    const packageRoot = fileURLToPath(new URL("..", import.meta.url));
    const { status, stdout, stderr } = await runNodeScript(script, { cwd: packageRoot });
    expect(status, stderr).toBe(0);
    const output = stdout;
    expect(JSON.parse(output.trim().split("\n").at(-1)!)).toEqual({
      before: { ort: false, tokenizers: false },
      after: true,
    });
  });
});
