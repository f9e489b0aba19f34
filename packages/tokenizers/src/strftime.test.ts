import { describe, expect, it } from "vitest";
import { strftime } from "./strftime.ts";

describe("strftime", () => {
  it("formats as Python's strftime in the C locale, in UTC", () => {
    const date = new Date(Date.UTC(2024, 6, 26, 9, 5, 7));
    expect(strftime(date, "%d %b %Y")).toBe("26 Jul 2024");
    expect(strftime(date, "%A %a %B %m %y %H:%M:%S %%")).toBe("Friday Fri July 07 24 09:05:07 %");
    expect(strftime(new Date(Date.UTC(2025, 2, 5, 23, 59)), "%d %b %Y")).toBe("05 Mar 2025");
    expect(strftime(date, "%j %Q plain")).toBe("%j %Q plain");
  });
});
