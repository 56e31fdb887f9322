import { describe, expect, it } from "vitest";
import { ANN, BO, stranger } from "./testing/call-fixtures";
import {
  type RecipientPrefs,
  type Relationship,
  type RingDecision,
  decideLeaveMessage,
  decideRing,
  isKnown,
} from "./reachability";


const open: RecipientPrefs = { acceptCalls: true, silenceUnknownCallers: false };
const ring = (rel: Partial<Relationship> = {}, prefs: Partial<RecipientPrefs> = {}) =>
  decideRing({ callerId: ANN, recipientId: BO, rel: { ...stranger, ...rel }, prefs: { ...open, ...prefs } });

/** Every combination of the five relationship flags and two preferences. */
function allCases(): Array<{ rel: Relationship; prefs: RecipientPrefs }> {
  const cases: Array<{ rel: Relationship; prefs: RecipientPrefs }> = [];
  for (let bits = 0; bits < 128; bits++) {
    const bit = (i: number) => (bits & (1 << i)) !== 0;
    cases.push({
      rel: {
        recipientBlockedCaller: bit(0),
        callerBlockedRecipient: bit(1),
        callerIsRecipientContact: bit(2),
        recipientCalledCaller: bit(3),
        sharedCall: bit(4),
      },
      prefs: { acceptCalls: bit(5), silenceUnknownCallers: bit(6) },
    });
  }
  return cases;
}

/** What the caller can observe: a refusal reason, or "a ring that may or may not be answered". */
function observed(d: RingDecision): string {
  return d.ok ? "rings" : d.reason;
}

describe("isKnown", () => {
  it("is false for a stranger", () => {
    expect(isKnown(stranger)).toBe(false);
  });
  it.each([["callerIsRecipientContact"], ["recipientCalledCaller"], ["sharedCall"]] as const)(
    "is true when %s",
    (key) => {
      expect(isKnown({ ...stranger, [key]: true })).toBe(true);
    },
  );
  it("ignores blocks (blocking is checked separately)", () => {
    expect(isKnown({ ...stranger, recipientBlockedCaller: true, callerBlockedRecipient: true })).toBe(false);
  });
});

describe("decideRing", () => {
  it("rings a stranger when the recipient accepts calls", () => {
    expect(ring()).toEqual({ ok: true, mode: "ring" });
  });
  it("refuses to call yourself, whatever else is true (ids compared case-insensitively)", () => {
    for (const { rel, prefs } of allCases()) {
      expect(decideRing({ callerId: ANN, recipientId: ANN.toUpperCase(), rel, prefs })).toEqual({
        ok: false,
        reason: "self",
      });
    }
  });
  it("rings silently when the recipient blocked the caller", () => {
    expect(ring({ recipientBlockedCaller: true })).toEqual({ ok: true, mode: "silent", reason: "blocked" });
    expect(ring({ recipientBlockedCaller: true, callerIsRecipientContact: true })).toEqual({
      ok: true,
      mode: "silent",
      reason: "blocked",
    });
  });
  it("tells a caller who blocked the recipient to unblock first", () => {
    expect(ring({ callerBlockedRecipient: true })).toEqual({ ok: false, reason: "you-blocked" });
    expect(ring({ callerBlockedRecipient: true }, { acceptCalls: false })).toEqual({
      ok: false,
      reason: "you-blocked",
    });
  });
  it("reports unavailable when the recipient does not accept calls", () => {
    expect(ring({ callerIsRecipientContact: true }, { acceptCalls: false })).toEqual({
      ok: false,
      reason: "unavailable",
    });
  });
  it("silences unknown callers only when the recipient asked for it", () => {
    expect(ring({}, { silenceUnknownCallers: true })).toEqual({ ok: true, mode: "silent", reason: "silenced-unknown" });
    expect(ring({}, { silenceUnknownCallers: false })).toEqual({ ok: true, mode: "ring" });
  });
  it.each([["callerIsRecipientContact"], ["recipientCalledCaller"], ["sharedCall"]] as const)(
    "rings a known caller (%s) even with silenceUnknownCallers",
    (key) => {
      expect(ring({ [key]: true }, { silenceUnknownCallers: true })).toEqual({ ok: true, mode: "ring" });
    },
  );
  it("a blocked caller observes exactly what they would observe if not blocked", () => {
    // The core privacy promise: flipping only recipientBlockedCaller never changes what the caller
    // can see (a refusal reason vs. a ring that goes unanswered).
    for (const { rel, prefs } of allCases()) {
      const blocked = decideRing({ callerId: ANN, recipientId: BO, rel: { ...rel, recipientBlockedCaller: true }, prefs });
      const notBlocked = decideRing({ callerId: ANN, recipientId: BO, rel: { ...rel, recipientBlockedCaller: false }, prefs });
      expect(observed(blocked), JSON.stringify({ rel, prefs })).toBe(observed(notBlocked));
      if (blocked.ok) expect(blocked).toEqual({ ok: true, mode: "silent", reason: "blocked" });
    }
  });
});

describe("decideLeaveMessage", () => {
  const leave = (rel: Partial<Relationship>) => decideLeaveMessage({ senderId: ANN, recipientId: BO, rel: { ...stranger, ...rel } });

  it("refuses a message to yourself", () => {
    expect(decideLeaveMessage({ senderId: ANN, recipientId: ANN, rel: { ...stranger, sharedCall: true } })).toEqual({
      ok: false,
      reason: "self",
    });
  });
  it.each([["callerIsRecipientContact"], ["recipientCalledCaller"], ["sharedCall"]] as const)(
    "allows a known sender (%s)",
    (key) => {
      expect(leave({ [key]: true })).toEqual({ ok: true });
    },
  );
  it("refuses a stranger", () => {
    expect(leave({})).toEqual({ ok: false, reason: "not-known" });
  });
  it.each([["recipientBlockedCaller"], ["callerBlockedRecipient"]] as const)(
    "refuses when %s, even for a contact",
    (key) => {
      expect(leave({ [key]: true, callerIsRecipientContact: true, sharedCall: true })).toEqual({
        ok: false,
        reason: "blocked",
      });
      expect(leave({ [key]: true })).toEqual({ ok: false, reason: "blocked" });
    },
  );
});
