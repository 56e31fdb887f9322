import { describe, expect, it } from "vitest";
import { snippetParts, withEllipses } from "./snippet";

describe("snippetParts", () => {
  it("splits the marked words out of the snippet", () => {
    expect(snippetParts("are we still on for «dinner» tonight … the «dinner» place")).toEqual([
      { text: "are we still on for ", match: false },
      { text: "dinner", match: true },
      { text: " tonight … the ", match: false },
      { text: "dinner", match: true },
      { text: " place", match: false },
    ]);
  });

  it("copes with a snippet cut inside a mark", () => {
    expect(snippetParts("see you at «seven")).toEqual([
      { text: "see you at ", match: false },
      { text: "seven", match: true },
    ]);
    expect(snippetParts("stray» mark")).toEqual([{ text: "stray mark", match: false }]);
  });
});

describe("withEllipses", () => {
  it("marks a snippet that starts inside the transcript", () => {
    expect(withEllipses("are we still on for «dinner» tonight")).toBe("…are we still on for «dinner» tonight");
    expect(withEllipses("«dinner» at eight")).toBe("…«dinner» at eight");
  });

  it("leaves a snippet that starts a sentence alone", () => {
    expect(withEllipses("Hey, are we still on for «dinner» tonight")).toBe("Hey, are we still on for «dinner» tonight");
    expect(withEllipses("«Dinner» is at 8")).toBe("«Dinner» is at 8");
    expect(withEllipses("8 o'clock «dinner»")).toBe("8 o'clock «dinner»");
  });
});
