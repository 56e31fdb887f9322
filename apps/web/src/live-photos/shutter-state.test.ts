import { describe, expect, it } from "vitest";
import { SELECT_SOMEONE, shutterState } from "./shutter-state";

const ana = { userId: "a", displayName: "Ana", allowed: true, reason: null };
const base = { subjectId: "a", subjectName: "Ana", availability: { subjects: [ana] }, loading: false, hasVideo: true };

describe("shutterState", () => {
  it("is enabled when the API allows the subject and their picture is here", () => {
    expect(shutterState(base)).toEqual({ allowed: true, reason: null });
  });
  it("asks for a tile in a group call with none focused", () => {
    expect(shutterState({ ...base, subjectId: null })).toEqual({ allowed: false, reason: SELECT_SOMEONE });
  });
  it("gives the API's reason as it is", () => {
    const off = { ...ana, allowed: false, reason: "Ana doesn't allow Live Photos" };
    expect(shutterState({ ...base, availability: { subjects: [off] } })).toEqual({ allowed: false, reason: "Ana doesn't allow Live Photos" });
  });
  it("waits for a subject the server does not list yet, and for an answer at all", () => {
    expect(shutterState({ ...base, availability: { subjects: [] } })).toEqual({ allowed: false, reason: "Waiting for Ana to connect" });
    expect(shutterState({ ...base, availability: null, loading: true }).allowed).toBe(false);
    expect(shutterState({ ...base, availability: null, loading: false }).reason).toBe("Live Photos aren't available right now");
  });
  it("is disabled while the subject's camera is off, even if allowed", () => {
    expect(shutterState({ ...base, hasVideo: false })).toEqual({ allowed: false, reason: "Ana's camera is off" });
  });
  it("never enables for another person's entry", () => {
    expect(shutterState({ ...base, subjectId: "b", subjectName: "Ben" })).toEqual({ allowed: false, reason: "Waiting for Ben to connect" });
  });
});
