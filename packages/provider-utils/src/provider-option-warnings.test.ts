import { describe, expect, it } from "vitest";
import { unknownProviderOptionWarnings } from "./provider-option-warnings.ts";

describe("unknownProviderOptionWarnings", () => {
  it("warns for each key the provider does not read, in key order, and for none it reads", () => {
    expect(
      unknownProviderOptionWarnings({ alpha: 1, known: true, beta: "x" }, ["known", "other"]),
    ).toEqual([
      { type: "unknown_provider_option", option: "alpha" },
      { type: "unknown_provider_option", option: "beta" },
    ]);
    expect(unknownProviderOptionWarnings({ known: 0 }, ["known"])).toEqual([]);
    expect(unknownProviderOptionWarnings({}, [])).toEqual([]);
  });

  it("treats a key whose value is undefined as absent", () => {
    expect(unknownProviderOptionWarnings({ stray: undefined }, [])).toEqual([]);
  });

  it("names the known key a near miss meant (case, _ and -)", () => {
    expect(
      unknownProviderOptionWarnings({ repetition_penalty: 1.2, "Top-A": 1 }, [
        "repetitionPenalty",
        "topA",
      ]),
    ).toEqual([
      {
        type: "unknown_provider_option",
        option: "repetition_penalty",
        details: 'did you mean "repetitionPenalty"?',
      },
      { type: "unknown_provider_option", option: "Top-A", details: 'did you mean "topA"?' },
    ]);
  });

  it("lets the provider explain a key it reads elsewhere", () => {
    expect(
      unknownProviderOptionWarnings({ repetitionPenalty: 1.1, other: 1 }, [], (option) =>
        option === "repetitionPenalty" ? "only generate reads it" : undefined,
      ),
    ).toEqual([
      {
        type: "unknown_provider_option",
        option: "repetitionPenalty",
        details: "only generate reads it",
      },
      { type: "unknown_provider_option", option: "other" },
    ]);
  });
});
