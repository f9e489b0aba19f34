import { describe, expect, it } from "vitest";
import { CalculatorError, evaluateExpression, MAX_EXPRESSION_LENGTH } from "../src/calculator.ts";
import { DEMO_TOOLS, executeTool } from "../src/demo-tools.ts";

describe("evaluateExpression", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["2 ^ 3 ^ 2", 512],
    ["2 ** 10", 1024],
    ["-3 ^ 2", -9],
    ["--4", 4],
    ["10 % 4", 2],
    ["7 / 2", 3.5],
    ["sqrt(16) + abs(-2)", 6],
    ["round(pi * 100) / 100", 3.14],
    [".5 + 1e3", 1000.5],
    ["  12 * (3 + 4)  ", 84],
  ])("%s = %d", (expression, expected) => {
    expect(evaluateExpression(expression)).toBeCloseTo(expected, 10);
  });

  it.each([
    ["", "empty"],
    ["1 +", "ends too early"],
    ["(1 + 2", 'Expected ")"'],
    ["1 2", 'Unexpected "2"'],
    ["1 / 0", "Division by zero"],
    ["process.exit(1)", 'Unexpected character "." at 7'],
    ["process(1)", "Unknown name"],
    ["toString(1)", "Unknown name"],
    ["constructor", "Unknown name"],
    ["2 $ 3", "Unexpected character"],
    ["10 ^ 400", "not a finite number"],
    ["sqrt 4", 'Expected "("'],
  ])("rejects %j (%s)", (expression, message) => {
    expect(() => evaluateExpression(expression)).toThrow(CalculatorError);
    expect(() => evaluateExpression(expression)).toThrow(message);
  });

  it("bounds the input length", () => {
    expect(() => evaluateExpression("1+".repeat(MAX_EXPRESSION_LENGTH) + "1")).toThrow(
      "longer than",
    );
  });
});

describe("executeTool", () => {
  const now = () => new Date("2026-03-01T12:34:56Z");

  it("runs the demo tools on JSON arguments", () => {
    expect(executeTool("calculator", '{"expression":"6*7"}')).toEqual({
      content: "42",
      isError: false,
    });
    const time = JSON.parse(
      executeTool("current_time", '{"timeZone":"Europe/Oslo"}', DEMO_TOOLS, now).content,
    );
    expect(time).toMatchObject({ iso: "2026-03-01T12:34:56.000Z", timeZone: "Europe/Oslo" });
    expect(time.text).toContain("13:34:56");
    expect(JSON.parse(executeTool("current_time", "", DEMO_TOOLS, now).content).timeZone).toBe(
      "UTC",
    );
    expect(executeTool("norse_lookup", '{"name":" Ratatoskr "}').content).toContain("squirrel");
  });

  it("turns every failure into an error result the model can read", () => {
    expect(executeTool("rm_rf", "{}")).toEqual({
      content: 'Error: unknown tool "rm_rf"',
      isError: true,
    });
    expect(executeTool("__proto__", "{}").isError).toBe(true);
    expect(executeTool("calculator", '{"expression":')).toEqual({
      content: "Error: the arguments are not valid JSON",
      isError: true,
    });
    expect(executeTool("calculator", "[1]").content).toContain("must be a JSON object");
    expect(executeTool("calculator", "{}").content).toBe('Error: Missing argument "expression"');
    expect(executeTool("calculator", '{"expression": 5}').content).toContain("must be a string");
    expect(executeTool("calculator", '{"expression":"1/0"}').content).toBe(
      "Error: Division by zero",
    );
    expect(executeTool("current_time", '{"timeZone":"Mars/Olympus"}').content).toContain(
      "Unknown time zone",
    );
  });
});
