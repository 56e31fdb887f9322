import { describe, expect, it } from "vitest";
import { ANN, BO, CY, stranger } from "./testing/call-fixtures";
import { type PlanCallee, type RecipientPrefs, type Relationship, type RingPlan, decideRing, planRing } from "./reachability";

const now = new Date("2026-01-01T10:00:00Z");
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

const open = { acceptCalls: true, silenceUnknownCallers: false, ringTimeoutSeconds: 30 };
const callee = (id: string, rel: Partial<Relationship> = {}, prefs: Partial<PlanCallee["prefs"]> = {}): PlanCallee => ({
  id,
  rel: { ...stranger, ...rel },
  prefs: { ...open, ...prefs },
});
const plan = (...callees: PlanCallee[]) => planRing({ callerId: ANN, callees, now });

/** Every combination of the five relationship flags and two preferences, with a timeout that varies too. */
function allCallees(id: string): PlanCallee[] {
  const out: PlanCallee[] = [];
  for (let bits = 0; bits < 128; bits++) {
    const bit = (i: number) => (bits & (1 << i)) !== 0;
    const rel: Relationship = {
      recipientBlockedCaller: bit(0),
      callerBlockedRecipient: bit(1),
      callerIsRecipientContact: bit(2),
      recipientCalledCaller: bit(3),
      sharedCall: bit(4),
    };
    const prefs: RecipientPrefs = { acceptCalls: bit(5), silenceUnknownCallers: bit(6) };
    out.push({ id, rel, prefs: { ...prefs, ringTimeoutSeconds: 10 + (bits % 5) * 10 } });
  }
  return out;
}

/**
 * Everything the caller can learn from a plan: a refusal reason, or per callee whether it is
 * unavailable or "rings" (answered or not is up to the callee), and when it stops ringing.
 */
function callerSees(p: RingPlan) {
  if (!p.ok) return { refused: p.reason };
  return p.callees.map((c) => ({ userId: c.userId, outcome: c.mode === "unavailable" ? "unavailable" : "rings", deadline: c.deadline.getTime() }));
}

const blocked = (c: PlanCallee, value: boolean): PlanCallee => ({ ...c, rel: { ...c.rel, recipientBlockedCaller: value } });

describe("planRing: one callee", () => {
  it("rings someone who accepts calls, until their own ring timeout", () => {
    expect(plan(callee(BO, {}, { ringTimeoutSeconds: 45 }))).toEqual({
      ok: true,
      callees: [{ userId: BO, mode: "ring", silent: false, unavailable: false, deadline: at(45) }],
    });
  });
  it("refuses to call yourself (ids compared case-insensitively)", () => {
    expect(plan(callee(ANN.toUpperCase()))).toEqual({ ok: false, reason: "self" });
  });
  it("refuses while the caller blocks the callee, whatever the callee's settings", () => {
    expect(plan(callee(BO, { callerBlockedRecipient: true }))).toEqual({ ok: false, reason: "you-blocked" });
    expect(plan(callee(BO, { callerBlockedRecipient: true, recipientBlockedCaller: true }, { acceptCalls: false }))).toEqual({
      ok: false,
      reason: "you-blocked",
    });
  });
  it("rings silently, hidden from the callee, when the callee blocked the caller", () => {
    expect(plan(callee(BO, { recipientBlockedCaller: true, callerIsRecipientContact: true }))).toEqual({
      ok: true,
      callees: [{ userId: BO, mode: "silent", silent: true, unavailable: false, deadline: at(30) }],
    });
  });
  it("rings silently when the callee silences unknown callers and does not know the caller", () => {
    expect(plan(callee(BO, {}, { silenceUnknownCallers: true }))).toEqual({
      ok: true,
      callees: [{ userId: BO, mode: "silent", silent: true, unavailable: false, deadline: at(30) }],
    });
    expect(plan(callee(BO, { sharedCall: true }, { silenceUnknownCallers: true }))).toMatchObject({ ok: true, callees: [{ mode: "ring", silent: false }] });
  });
  it("is unavailable when the callee takes no calls, and the callee still sees the attempt", () => {
    expect(plan(callee(BO, {}, { acceptCalls: false }))).toEqual({
      ok: true,
      callees: [{ userId: BO, mode: "unavailable", silent: false, unavailable: true, deadline: at(30) }],
    });
  });
  it("decides unavailable before blocked: the caller reads 'unavailable', the blocker sees nothing", () => {
    expect(plan(callee(BO, { recipientBlockedCaller: true }, { acceptCalls: false, silenceUnknownCallers: true }))).toEqual({
      ok: true,
      callees: [{ userId: BO, mode: "unavailable", silent: true, unavailable: true, deadline: at(30) }],
    });
  });
});

describe("planRing: groups", () => {
  it("plans each callee on their own, in the order given", () => {
    const p = plan(callee(BO, { recipientBlockedCaller: true }, { ringTimeoutSeconds: 20 }), callee(CY, {}, { acceptCalls: false, ringTimeoutSeconds: 60 }));
    expect(p).toEqual({
      ok: true,
      callees: [
        { userId: BO, mode: "silent", silent: true, unavailable: false, deadline: at(20) },
        { userId: CY, mode: "unavailable", silent: false, unavailable: true, deadline: at(60) },
      ],
    });
  });
  it("refuses the whole call when the caller blocks any one callee", () => {
    expect(plan(callee(BO), callee(CY, { callerBlockedRecipient: true }))).toEqual({ ok: false, reason: "you-blocked" });
  });
  it("says 'self' before 'you-blocked' when both apply", () => {
    expect(plan(callee(BO, { callerBlockedRecipient: true }), callee(ANN))).toEqual({ ok: false, reason: "self" });
  });
});

describe("planRing: over every combination of flags", () => {
  it("agrees with decideRing for each callee, and its fields agree with each other", () => {
    for (const c of allCallees(BO)) {
      const p = plan(c);
      const d = decideRing({ callerId: ANN, recipientId: BO, rel: c.rel, prefs: c.prefs });
      const label = JSON.stringify(c);
      if (!d.ok && d.reason !== "unavailable") {
        expect(p, label).toEqual({ ok: false, reason: d.reason });
        continue;
      }
      expect(p.ok, label).toBe(true);
      const [ring] = p.ok ? p.callees : [];
      expect(ring?.mode, label).toBe(d.ok ? d.mode : "unavailable");
      expect(ring?.unavailable, label).toBe(ring?.mode === "unavailable");
      expect(ring?.deadline, label).toEqual(at(c.prefs.ringTimeoutSeconds));
      // Hidden from the callee exactly when it is silent, or unavailable to someone who blocked the caller.
      expect(ring?.silent, label).toBe(ring?.mode === "silent" || (ring?.mode === "unavailable" && c.rel.recipientBlockedCaller));
      // Whoever blocked the caller never sees the attempt, whatever else is true.
      if (c.rel.recipientBlockedCaller) expect(ring?.silent, label).toBe(true);
    }
  });

  it("a blocked caller's plan looks to the caller exactly like an unblocked one (same outcome, same deadline)", () => {
    for (const c of allCallees(BO)) {
      expect(callerSees(plan(blocked(c, true))), JSON.stringify(c)).toEqual(callerSees(plan(blocked(c, false))));
    }
  });

  it("holds for two-person groups too, whichever callees blocked the caller", () => {
    const first = allCallees(BO);
    const second = allCallees(CY);
    let compared = 0;
    for (const b of first) {
      for (const c of second) {
        const seen = callerSees(plan(blocked(b, false), blocked(c, false)));
        for (const [bBlocks, cBlocks] of [[true, false], [false, true], [true, true]] as const) {
          const p = plan(blocked(b, bBlocks), blocked(c, cBlocks));
          expect(callerSees(p)).toEqual(seen);
          compared += 1;
        }
      }
    }
    expect(compared).toBe(128 * 128 * 3);
  });
});
