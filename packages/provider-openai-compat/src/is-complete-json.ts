/**
 * Whether a tool call's whole argument buffer parses as JSON (internal: not
 * exported from the package entry).
 */
export function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
