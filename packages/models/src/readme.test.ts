/** The README's presets table is the shipped preset table (regenerate it from listPresets() when the table changes). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRESET_TIERS } from "./preset-uri.ts";
import { listPresets } from "./resolve-preset.ts";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The table as listPresets() gives it, in the README's layout. */
function presetsTable(): string {
  const rows = new Map<string, Record<string, string>>();
  for (const preset of listPresets()) {
    const parameters =
      preset.parameters === undefined
        ? ""
        : ` (${Object.entries(preset.parameters)
            .map(([name, value]) => `${name} ${String(value)}`)
            .join(", ")})`;
    rows.set(preset.capability, {
      ...rows.get(preset.capability),
      [preset.tier]: `\`${preset.model}\`${parameters}`,
    });
  }
  const lines = [
    `| capability | ${PRESET_TIERS.join(" | ")} |`,
    `| --- |${" --- |".repeat(PRESET_TIERS.length)}`,
    ...[...rows].map(
      ([capability, cells]) =>
        `| \`${capability}\` | ${PRESET_TIERS.map((tier) => cells[tier] ?? "—").join(" | ")} |`,
    ),
  ];
  return lines.join("\n");
}

/** A Markdown table's cells, row by row, without the padding a formatter adds. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((row) =>
      row
        .trim()
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((cell) => cell.trim().replace(/^-+$/, "---")),
    );
}

describe("the README", () => {
  it("shows the shipped preset table", () => {
    const start = README.indexOf("<!-- presets-table");
    const end = README.indexOf("<!-- /presets-table -->");
    expect(start).toBeGreaterThan(0);
    const documented = README.slice(README.indexOf("\n", start) + 1, end);
    expect(cells(documented)).toEqual(cells(presetsTable()));
  });
});
