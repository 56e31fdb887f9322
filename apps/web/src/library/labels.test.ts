import { describe, expect, it } from "vitest";
import { dayHeading, formatLength, groupByDay } from "./labels";

describe("library labels", () => {
  it("reads lengths like a player", () => {
    expect(formatLength(null)).toBe("");
    expect(formatLength(7_900)).toBe("0:07");
    expect(formatLength(12 * 60_000 + 3_000)).toBe("12:03");
    expect(formatLength(3_729_000)).toBe("1:02:09");
  });

  it("names days like a phone's photo library", () => {
    const now = new Date(2026, 10, 26, 9, 0);
    expect(dayHeading(new Date(2026, 10, 26, 0, 1), now)).toBe("Today");
    expect(dayHeading(new Date(2026, 10, 25, 23, 59), now)).toBe("Yesterday");
    expect(dayHeading(new Date(2026, 10, 23, 12, 0), now)).toBe("Monday, 23 November");
    expect(dayHeading(new Date(2025, 11, 31, 12, 0), now)).toBe("Wednesday, 31 December 2025");
  });

  it("groups a newest-first list by local day, keeping its order", () => {
    const at = (d: number, h: number) => ({ capturedAt: new Date(2026, 10, d, h) });
    const groups = groupByDay([at(26, 15), at(26, 9), at(24, 20), at(24, 1)]);
    expect(groups.map((g) => g.items.length)).toEqual([2, 2]);
    expect(groups[0]?.items[0]).toEqual(at(26, 15));
  });
});
