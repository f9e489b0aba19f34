/**
 * The memory manager on the real gateway with the in-process lexicon
 * provider: it finds what was planted in the sample notes, and the prompt
 * it builds stays within the context budget.
 */
import { Ratatoskr } from "@ratatoskr/gateway";
import { describe, expect, it } from "vitest";
import { createLexiconProvider } from "../src/lexicon-provider.ts";
import { DEFAULT_RUN, main, manageMemory, SAMPLE_NOTES } from "../src/main.ts";
import { cosineSimilarity, deduplicate, findContradictions, fitToContext } from "../src/memory.ts";

const gateway = () => Ratatoskr.builder().use(createLexiconProvider()).build();

describe("the memory manager on the sample notes", () => {
  it("finds the planted duplicate and only it", async () => {
    const result = await deduplicate(await gateway(), SAMPLE_NOTES, "lexicon:bow-embed", 0.9);
    expect(result.duplicates).toEqual([
      {
        note: "In the morning, Alice prefers tea over coffee.",
        duplicateOf: "Alice prefers tea over coffee in the morning.",
        similarity: expect.closeTo(1, 6),
      },
    ]);
    expect(result.kept).toHaveLength(SAMPLE_NOTES.length - 1);
    expect(result.vectors).toHaveLength(result.kept.length);
  });

  it("finds the planted contradiction and only it", async () => {
    const found = await findContradictions(await gateway(), SAMPLE_NOTES, "lexicon:nli");
    expect(found.map(({ a, b }) => [a, b])).toEqual([
      ["Alice is allergic to peanuts.", "Alice is not allergic to peanuts."],
    ]);
  });

  it("classifies the stance of notes toward the topic", async () => {
    const { stances } = await manageMemory(await gateway(), DEFAULT_RUN);
    const label = (note: string) => stances.find((entry) => entry.note === note)?.stance.label;
    expect(label("Alice loves working remotely from the cabin.")).toBe("favor");
    expect(label("Bob hates remote work because the cabin wifi is slow.")).toBe("against");
    expect(label("Bob's birthday is on the 3rd of May.")).toBe("neutral");
  });

  it("fits the most relevant notes into the window and stays within the budget", async () => {
    const g = await gateway();
    const { kept, vectors } = await deduplicate(g, SAMPLE_NOTES, "lexicon:bow-embed");
    for (const contextWindow of [48, 72, 120, 1000]) {
      const fitted = await fitToContext(g, {
        query: DEFAULT_RUN.query,
        notes: kept,
        vectors,
        embeddingModel: "lexicon:bow-embed",
        chatModel: "lexicon:words",
        contextWindow,
        reserveOutput: 16,
      });
      // Recount the final prompt independently of the loop's bookkeeping.
      const recount = await g.fitsContext(fitted.messages, "lexicon:words", {
        contextWindow,
        reserveOutput: 16,
      });
      expect(recount.fits).toBe(true);
      expect(recount.promptTokens + 16).toBeLessThanOrEqual(contextWindow);
      expect([...fitted.included, ...fitted.left].sort()).toEqual([...kept].sort());
      if (contextWindow === 72) {
        expect(fitted.included[0]).toBe("Alice loves working remotely from the cabin.");
        expect(fitted.left.length).toBeGreaterThan(0);
      }
      if (contextWindow === 1000) expect(fitted.left).toEqual([]);
    }
  });

  it("includes no note when even the bare query does not fit, and says so", async () => {
    const g = await gateway();
    const { kept, vectors } = await deduplicate(g, SAMPLE_NOTES, "lexicon:bow-embed");
    const fitted = await fitToContext(g, {
      query: DEFAULT_RUN.query,
      notes: kept,
      vectors,
      embeddingModel: "lexicon:bow-embed",
      chatModel: "lexicon:words",
      contextWindow: 30,
      reserveOutput: 16,
    });
    expect(fitted.included).toEqual([]);
    expect(fitted.fit).toMatchObject({ fits: false, contextWindow: 30 });
    expect(fitted.fit.overflow).toBeGreaterThan(0);
  });

  it("main prints the report", async () => {
    let stdout = "";
    let stderr = "";
    const code = await main([], {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(
      '"In the morning, Alice prefers tea over coffee." ≈ "Alice prefers tea over coffee in the morning."',
    );
    expect(stdout).toContain(
      '"Alice is allergic to peanuts." ⟂ "Alice is not allergic to peanuts."',
    );
    expect(stdout).toMatch(/favor {3}\d\.\d\d {2}Alice loves working remotely/);
  });

  it("main reports a bad argument as an error, not a stack trace", async () => {
    let stderr = "";
    const code = await main(["--bogus"], {
      stdout: { write: () => 0 },
      stderr: { write: (t: string) => (stderr += t) },
      env: {},
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*bogus/);
    expect(stderr).not.toContain("    at ");
  });
});

it("cosineSimilarity", () => {
  expect(cosineSimilarity([1, 0], [1, 0])).toBe(1);
  expect(cosineSimilarity([1, 0], [0, 2])).toBe(0);
  expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
});
