import { describe, expect, it } from "vitest";
import { classifyOllamaMessage } from "./ollama-error.ts";

describe("classifyOllamaMessage", () => {
  it("reads Ollama's wordings", () => {
    expect(classifyOllamaMessage('model "llama3.2" not found, try pulling it first')).toBe(
      "model_not_found",
    );
    expect(classifyOllamaMessage("the input length exceeds the context length")).toBe(
      "context_length_exceeded",
    );
    expect(classifyOllamaMessage('"gemma3" does not support tools')).toBe("unsupported");
    expect(classifyOllamaMessage("an error was encountered while running the model")).toBe(
      undefined,
    );
  });

  it("reads only the first 4,096 characters, with bounded patterns", () => {
    // Many "model " starts without " not found": the old `model .* not found` was quadratic here.
    const noise = "model runner failed ".repeat(60_000);
    expect(classifyOllamaMessage(noise)).toBe(undefined);
    expect(classifyOllamaMessage(`${"x".repeat(5000)} model "m" not found`)).toBe(undefined);
    expect(classifyOllamaMessage(`${"x".repeat(4000)} model "m" not found`)).toBe(
      "model_not_found",
    );
  });
});
