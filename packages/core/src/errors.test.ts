import { describe, expect, it } from "vitest";
import { type PolicyReason, publicMessage } from "./errors";

describe("publicMessage", () => {
  it.each([
    ["self", "You can't call yourself"],
    ["you-blocked", "You blocked this person. Unblock them to call."],
    ["unavailable", "Unavailable"],
    ["not-known", "You can't leave a message for this person"],
    ["blocked", "You can't leave a message for this person"],
  ] satisfies Array<[PolicyReason, string]>)("maps %s", (reason, text) => {
    expect(publicMessage(reason)).toBe(text);
  });
  it("words 'self' for messages", () => {
    expect(publicMessage("self", "message")).toBe("You can't leave a message for yourself");
    expect(publicMessage("self", "call")).toBe("You can't call yourself");
  });
  it("gives a blocked sender the same text as a stranger, in both wordings", () => {
    for (const action of ["call", "message"] as const) {
      expect(publicMessage("blocked", action)).toBe(publicMessage("not-known", action));
    }
  });
});
