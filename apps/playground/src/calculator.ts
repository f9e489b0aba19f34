/**
 * A small arithmetic evaluator for the demo calculator tool: numbers,
 * `+ - * / % ^`, parentheses, unary minus, and a few functions and constants.
 * A recursive-descent parser, never `eval`: the model's arguments are
 * untrusted input.
 */

const FUNCTIONS: Record<string, (value: number) => number> = {
  sqrt: Math.sqrt,
  abs: Math.abs,
  ln: Math.log,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  round: Math.round,
  floor: Math.floor,
  ceil: Math.ceil,
};

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E };

/** The longest expression the calculator accepts, in characters. */
export const MAX_EXPRESSION_LENGTH = 500;

/** A calculator input that is not a valid expression. */
export class CalculatorError extends Error {
  override name = "CalculatorError";
}

type Token =
  | { kind: "number"; value: number }
  | { kind: "name"; value: string }
  | { kind: "operator"; value: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([a-z_][a-z0-9_]*)|(\*\*|[-+*/%^(),]))/giy;
  let position = 0;
  while (position < expression.length) {
    if (/^\s*$/.test(expression.slice(position))) break;
    pattern.lastIndex = position;
    const match = pattern.exec(expression);
    if (!match) {
      const rest = expression.slice(position).trimStart();
      throw new CalculatorError(
        `Unexpected character "${rest[0] ?? ""}" at ${expression.length - rest.length}`,
      );
    }
    if (match[1] !== undefined) tokens.push({ kind: "number", value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: "name", value: match[2].toLowerCase() });
    else tokens.push({ kind: "operator", value: match[3] === "**" ? "^" : match[3]! });
    position = pattern.lastIndex;
  }
  return tokens;
}

/**
 * Evaluate an arithmetic expression.
 *
 * @example
 * ```ts
 * evaluateExpression("2 * (3 + 4) ^ 2"); // 98
 * evaluateExpression("sqrt(16) + pi"); // 7.141592653589793
 * ```
 * @throws {CalculatorError} on a syntax error, an unknown name, or a non-finite result.
 */
export function evaluateExpression(expression: string): number {
  if (typeof expression !== "string" || expression.trim() === "") {
    throw new CalculatorError("The expression is empty");
  }
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new CalculatorError(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const tokens = tokenize(expression);
  let index = 0;
  const peek = () => tokens[index];
  const take = () => tokens[index++];
  const isOperator = (value: string) => {
    const token = peek();
    return token?.kind === "operator" && token.value === value;
  };
  const expect = (value: string) => {
    if (!isOperator(value)) throw new CalculatorError(`Expected "${value}"`);
    index++;
  };

  // expression := term (("+" | "-") term)*
  const parseExpression = (): number => {
    let value = parseTerm();
    while (isOperator("+") || isOperator("-")) {
      const operator = take()!.value;
      const right = parseTerm();
      value = operator === "+" ? value + right : value - right;
    }
    return value;
  };
  // term := unary (("*" | "/" | "%") unary)*
  const parseTerm = (): number => {
    let value = parseUnary();
    while (isOperator("*") || isOperator("/") || isOperator("%")) {
      const operator = take()!.value;
      const right = parseUnary();
      if ((operator === "/" || operator === "%") && right === 0) {
        throw new CalculatorError("Division by zero");
      }
      value = operator === "*" ? value * right : operator === "/" ? value / right : value % right;
    }
    return value;
  };
  // unary := ("-" | "+") unary | power
  const parseUnary = (): number => {
    if (isOperator("-")) {
      index++;
      return -parseUnary();
    }
    if (isOperator("+")) {
      index++;
      return parseUnary();
    }
    return parsePower();
  };
  // power := primary ("^" unary)?   (right-associative)
  const parsePower = (): number => {
    const base = parsePrimary();
    if (isOperator("^")) {
      index++;
      return base ** parseUnary();
    }
    return base;
  };
  // primary := number | constant | function "(" expression ")" | "(" expression ")"
  const parsePrimary = (): number => {
    const token = take();
    if (token === undefined) throw new CalculatorError("The expression ends too early");
    if (token.kind === "number") return token.value;
    if (token.kind === "name") {
      const fn = Object.hasOwn(FUNCTIONS, token.value) ? FUNCTIONS[token.value] : undefined;
      if (fn) {
        expect("(");
        const argument = parseExpression();
        expect(")");
        return fn(argument);
      }
      const constant = Object.hasOwn(CONSTANTS, token.value) ? CONSTANTS[token.value] : undefined;
      if (constant !== undefined) return constant;
      throw new CalculatorError(`Unknown name "${token.value}"`);
    }
    if (token.value === "(") {
      const value = parseExpression();
      expect(")");
      return value;
    }
    throw new CalculatorError(`Unexpected "${token.value}"`);
  };

  const result = parseExpression();
  if (index < tokens.length) {
    const token = tokens[index]!;
    throw new CalculatorError(`Unexpected "${token.value}"`);
  }
  if (!Number.isFinite(result)) throw new CalculatorError("The result is not a finite number");
  return result;
}
