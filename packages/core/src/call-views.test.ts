import { describe, expect, it } from "vitest";
import type { Call, CalleeRing } from "./call-state";
import { callerOutcome, canLeaveMessageAfter, durationSeconds, isMissedFor, nextDeadline } from "./call-views";
import { ANN, BO, CY, DEE, STRANGER, apply, at, ringOf, ringing } from "./testing/call-fixtures";

const ringingRing = (silent: boolean): CalleeRing => ({ state: "ringing", deadline: at(30), silent });
const ended = (state: "declined" | "timeout" | "cancelled", silent: boolean): CalleeRing => ({ state, at: at(1), silent });

describe("nextDeadline", () => {
  it("is the earliest deadline among rings still ringing", () => {
    const call: Call = {
      ...ringing([BO, CY, DEE]),
      participants: ringing([BO, CY, DEE]).participants.map((p) => {
        if (p.userId === BO) return { ...p, ring: { state: "declined", at: at(1), silent: false } };
        if (p.userId === CY) return { ...p, ring: { state: "ringing", deadline: at(50), silent: false } };
        if (p.userId === DEE) return { ...p, ring: { state: "ringing", deadline: at(40), silent: true } };
        return p;
      }),
    };
    expect(nextDeadline(call)).toEqual(at(40));
  });
  it("is null once nothing rings", () => {
    expect(nextDeadline(ringing())).toEqual(at(30));
    expect(nextDeadline(apply(ringing(), { type: "answer", userId: BO, now: at(1) }))).toBeNull();
  });
});

describe("isMissedFor", () => {
  it("is true for a callee whose ring timed out or was cancelled", () => {
    expect(isMissedFor(apply(ringing(), { type: "expire", now: at(30) }), BO)).toBe(true);
    expect(isMissedFor(apply(ringing(), { type: "cancel", userId: ANN, now: at(3) }), BO)).toBe(true);
    expect(isMissedFor(apply(ringing(), { type: "cancel", userId: ANN, now: at(3) }), BO.toUpperCase())).toBe(true);
  });
  it("is false for silent rings, so a silenced call never shows up", () => {
    expect(isMissedFor(apply(ringing([BO], [BO]), { type: "expire", now: at(30) }), BO)).toBe(false);
    expect(isMissedFor(apply(ringing([BO], [BO]), { type: "cancel", userId: ANN, now: at(3) }), BO)).toBe(false);
  });
  it("is false for answered, declined and still ringing", () => {
    const call = apply(ringing([BO, CY, DEE]), { type: "answer", userId: BO, now: at(1) }, { type: "decline", userId: CY, now: at(2) });
    expect(isMissedFor(call, BO)).toBe(false);
    expect(isMissedFor(call, CY)).toBe(false);
    expect(isMissedFor(call, DEE)).toBe(false);
  });
  it("is false for the caller and for strangers", () => {
    const call = apply(ringing(), { type: "expire", now: at(30) });
    expect(isMissedFor(call, ANN)).toBe(false);
    expect(isMissedFor(call, STRANGER)).toBe(false);
  });
});

describe("callerOutcome", () => {
  it.each([
    ["ringing", ringingRing(false), "ringing"],
    ["silent ringing (must look the same)", ringingRing(true), "ringing"],
    ["answered", { state: "answered", at: at(1) }, "answered"],
    ["declined", ended("declined", false), "declined"],
    ["silent declined", ended("declined", true), "no-answer"],
    ["timeout", ended("timeout", false), "no-answer"],
    ["silent timeout", ended("timeout", true), "no-answer"],
    ["cancelled", ended("cancelled", false), "no-answer"],
    ["silent cancelled", ended("cancelled", true), "no-answer"],
  ] satisfies Array<[string, CalleeRing, string]>)("%s → %s", (_name, ring, outcome) => {
    expect(callerOutcome(ring)).toBe(outcome);
  });
  it("a blocked caller's timed-out ring reads exactly like a real unanswered one", () => {
    const silent = ringOf(apply(ringing([BO], [BO]), { type: "expire", now: at(30) }), BO);
    const real = ringOf(apply(ringing([BO]), { type: "expire", now: at(30) }), BO);
    expect(callerOutcome(silent)).toBe(callerOutcome(real));
    expect(canLeaveMessageAfter(silent)).toBe(canLeaveMessageAfter(real));
  });
});

describe("canLeaveMessageAfter", () => {
  it.each([
    ["timeout", ended("timeout", false), true],
    ["silent timeout", ended("timeout", true), true],
    ["declined", ended("declined", false), true],
    ["silent declined", ended("declined", true), true],
    ["cancelled", ended("cancelled", false), false],
    ["silent cancelled", ended("cancelled", true), false],
    ["answered", { state: "answered", at: at(1) }, false],
    ["ringing", ringingRing(false), false],
  ] satisfies Array<[string, CalleeRing, boolean]>)("%s → %s", (_name, ring, allowed) => {
    expect(canLeaveMessageAfter(ring)).toBe(allowed);
  });
});

describe("durationSeconds", () => {
  it("is whole seconds from the first answer to the end", () => {
    const call = apply(
      ringing([BO]),
      { type: "answer", userId: BO, now: at(5.2) },
      { type: "leave", userId: BO, now: at(65.9) },
    );
    expect(durationSeconds(call)).toBe(60);
  });
  it("is null while active and for calls never answered", () => {
    const active = apply(ringing(), { type: "answer", userId: BO, now: at(1) });
    expect(durationSeconds(active)).toBeNull();
    expect(durationSeconds(apply(ringing(), { type: "expire", now: at(30) }))).toBeNull();
    expect(durationSeconds(apply(ringing(), { type: "decline", userId: BO, now: at(3) }))).toBeNull();
  });
  it("is null for an ended record missing its times, and never negative", () => {
    const call = apply(ringing(), { type: "answer", userId: BO, now: at(10) }, { type: "leave", userId: BO, now: at(20) });
    expect(durationSeconds({ ...call, answeredAt: null })).toBeNull();
    expect(durationSeconds({ ...call, endedAt: null })).toBeNull();
    expect(durationSeconds({ ...call, endedAt: at(9) })).toBe(0);
    expect(durationSeconds({ ...call, status: "active" })).toBeNull();
  });
});
