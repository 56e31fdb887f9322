import { describe, expect, it } from "vitest";
import { colorFor, initialsFrom } from "./avatar";

describe("initialsFrom", () => {
  it("takes the first and last word", () => {
    expect(initialsFrom("Ana María López")).toBe("AL");
    expect(initialsFrom("  ben  ")).toBe("B");
  });

  it("keeps a non-Latin or emoji first letter whole", () => {
    expect(initialsFrom("Émile Zola")).toBe("ÉZ");
    expect(initialsFrom("😀 Smile")).toBe("😀S");
  });

  it("falls back to a question mark for a blank name", () => {
    expect(initialsFrom("   ")).toBe("?");
  });
});

describe("colorFor", () => {
  it("gives the same person the same colour every time", () => {
    const id = "9e96d9b9-5ec1-4188-bebc-5f1616804726";
    expect(colorFor(id)).toBe(colorFor(id));
  });

  it("spreads real ids over the palette instead of clustering", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const color = colorFor(crypto.randomUUID());
      counts.set(color, (counts.get(color) ?? 0) + 1);
    }
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(n).toBeGreaterThan(120); // 200 expected each
  });
});
