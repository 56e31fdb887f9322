import { describe, expect, it } from "vitest";
import { changePasswordInput, confirmsEmail } from "./account";

describe("changePasswordInput", () => {
  it("accepts a new strong password", () => {
    expect(changePasswordInput.parse({ currentPassword: "old one", newPassword: "new-pass-1" })).toEqual({
      currentPassword: "old one",
      newPassword: "new-pass-1",
    });
  });
  it("says which field is wrong", () => {
    const missing = changePasswordInput.safeParse({ currentPassword: "", newPassword: "new-pass-1" });
    expect(missing.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["currentPassword", "Enter your current password"]]);
    const weak = changePasswordInput.safeParse({ currentPassword: "old-pass-1", newPassword: "short" });
    expect(weak.error?.issues.map((i) => i.path.join("."))).toEqual(["newPassword"]);
    const same = changePasswordInput.safeParse({ currentPassword: "same-pass-1", newPassword: "same-pass-1" });
    expect(same.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["newPassword", "Choose a new password that differs from the current one"],
    ]);
  });
});

describe("confirmsEmail", () => {
  it("accepts the account's email typed with other case or stray spaces, and nothing else", () => {
    expect(confirmsEmail(" Ana@Example.com ", "ana@example.com")).toBe(true);
    expect(confirmsEmail("ana@example.co", "ana@example.com")).toBe(false);
    expect(confirmsEmail("", "ana@example.com")).toBe(false);
    expect(confirmsEmail(undefined, "ana@example.com")).toBe(false);
  });
});
