import type { MockProvider } from "@ratatoskr/testing";
import { beforeEach, describe, expect, it } from "vitest";
import { listedMock, runWith } from "./test-helpers.ts";

let mock: MockProvider;
beforeEach(() => {
  mock = listedMock();
});

describe("rat embed", () => {
  it("prints one JSON vector per text; --json gives the embeddings", async () => {
    const text = await runWith(mock, ["embed", "-m", "demo-embed", "one", "two"]);
    expect(text.code).toBe(0);
    const vectors = text.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toHaveLength(8);
    const json = JSON.parse(
      (await runWith(mock, ["embed", "--json", "-m", "demo-embed", "one"])).stdout,
    );
    expect(json).toMatchObject([{ model: "demo-embed", dimensions: 8 }]);
    expect(json[0].values).toEqual(vectors[0]);
  });
});

describe("rat nli, classify, stance", () => {
  it("nli prints the label then the scores", async () => {
    const text = await runWith(mock, ["nli", "-m", "demo-nli", "It rains.", "The street is wet."]);
    expect(text.code).toBe(0);
    const [label, ...scores] = text.stdout.trim().split("\n");
    expect(["entailment", "neutral", "contradiction"]).toContain(label);
    expect(scores).toHaveLength(3);
    const json = JSON.parse(
      (await runWith(mock, ["nli", "--json", "-m", "demo-nli", "It rains.", "Wet."])).stdout,
    );
    expect(json.label).toBe(label);
    expect(mock.callsOf("nli")[0]?.request.pairs).toEqual([
      { premise: "It rains.", hypothesis: "The street is wet." },
    ]);
  });

  it("classify splits --labels and prints the top label first", async () => {
    const text = await runWith(mock, [
      "classify",
      "-m",
      "demo-nli",
      "great match",
      "--labels",
      "sport, politics,,",
    ]);
    expect(text.code).toBe(0);
    expect(mock.callsOf("classify")[0]?.request.labels).toEqual(["sport", "politics"]);
    const json = JSON.parse(
      (
        await runWith(mock, [
          "classify",
          "--json",
          "-m",
          "demo-nli",
          "great match",
          "-l",
          "sport,politics",
        ])
      ).stdout,
    );
    expect(text.stdout.split("\n")[0]).toBe(json.topLabel);
    expect(Object.keys(json.scores).sort()).toEqual(["politics", "sport"]);
  });

  it("classify without labels is a usage error", async () => {
    expect((await runWith(mock, ["classify", "-m", "demo-nli", "text"])).code).toBe(2);
    expect(
      (await runWith(mock, ["classify", "-m", "demo-nli", "text", "--labels", ","])).code,
    ).toBe(2);
    expect(mock.calls).toHaveLength(0);
  });

  it("stance names the target", async () => {
    const json = JSON.parse(
      (
        await runWith(mock, [
          "stance",
          "--json",
          "-m",
          "demo-nli",
          "Solar is great",
          "--target",
          "solar",
        ])
      ).stdout,
    );
    expect(json).toMatchObject({ target: "solar" });
    expect(["favor", "against", "neutral"]).toContain(json.label);
    const text = await runWith(mock, [
      "stance",
      "-m",
      "demo-nli",
      "Solar is great",
      "--target",
      "solar",
    ]);
    expect(text.stdout.split("\n")[0]).toBe(json.label);
  });
});

describe("rat tokens", () => {
  it("counts tokens, or lists them with offsets", async () => {
    const count = await runWith(mock, ["tokens", "-m", "demo-chat", "one two three"]);
    expect(count.code).toBe(0);
    expect(count.stdout).toBe("3\n");
    const listed = await runWith(mock, ["tokens", "-m", "demo-chat", "--tokens", "one two"]);
    expect(listed.stdout).toBe('0\t3\t0\t"one"\n4\t7\t1\t"two"\n');
    const json = JSON.parse(
      (await runWith(mock, ["tokens", "--json", "-m", "demo-chat", "--tokens", "one two"])).stdout,
    );
    expect(json.tokens).toEqual([
      { id: 0, text: "one", start: 0, end: 3 },
      { id: 1, text: "two", start: 4, end: 7 },
    ]);
  });
});
