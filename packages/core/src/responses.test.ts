import { describe, expect, it } from "vitest";
import { STANCE_LABELS, stanceLabelOf } from "./responses.ts";

describe("stanceLabelOf", () => {
  it.each([
    [{ favor: 0.7, against: 0.2, neutral: 0.1 }, "favor"],
    [{ favor: 0.1, against: 0.8, neutral: 0.1 }, "against"],
    [{ favor: 0.1, against: 0.2, neutral: 0.7 }, "neutral"],
    [{ favor: 0.4, against: 0.4, neutral: 0.2 }, "favor"],
    [{ favor: 0.2, against: 0.4, neutral: 0.4 }, "against"],
    [{ favor: 0.4, against: 0.2, neutral: 0.4 }, "favor"],
    [{ favor: 0, against: 0, neutral: 0 }, "favor"],
  ] as const)("labels %o as %s (the highest; ties in STANCE_LABELS order)", (scores, label) => {
    expect(stanceLabelOf(scores)).toBe(label);
  });

  it("lists the labels in tie-break order", () => {
    expect(STANCE_LABELS).toEqual(["favor", "against", "neutral"]);
  });
});
