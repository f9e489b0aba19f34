/**
 * A small arithmetic evaluator for the `calculator` tool: numbers, `+ - * /
 * % ^`, unary minus and parentheses, by recursive descent (no `eval`).
 */

/** Evaluate `expression`; throws an `Error` naming what is wrong with it. */
export function evaluateArithmetic(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|[-+*/%^()]|\S/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const take = () => tokens[position++];

  function primary(): number {
    const token = take();
    if (token === undefined) throw new Error("the expression ends too early");
    if (token === "(") {
      const value = sum();
      if (take() !== ")") throw new Error('a "(" is never closed');
      return value;
    }
    if (token === "-") return -primary();
    if (token === "+") return primary();
    if (/^\d/.test(token)) return Number(token);
    throw new Error(`unexpected "${token}"`);
  }
  function power(): number {
    const base = primary();
    if (peek() === "^") {
      take();
      return base ** power();
    }
    return base;
  }
  function product(): number {
    let value = power();
    for (let op = peek(); op === "*" || op === "/" || op === "%"; op = peek()) {
      take();
      const right = power();
      if (op !== "*" && right === 0) throw new Error("division by zero");
      value = op === "*" ? value * right : op === "/" ? value / right : value % right;
    }
    return value;
  }
  function sum(): number {
    let value = product();
    for (let op = peek(); op === "+" || op === "-"; op = peek()) {
      take();
      value = op === "+" ? value + product() : value - product();
    }
    return value;
  }

  if (tokens.length === 0) throw new Error("the expression is empty");
  const value = sum();
  if (position < tokens.length) throw new Error(`unexpected "${tokens[position]}"`);
  return value;
}
