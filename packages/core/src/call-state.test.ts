import { describe, expect, it } from "vitest";
import { type Call, createCall, deriveStatus, isCallOver, transition } from "./call-state";
import { ANN, BO, CALL_ID, CY, DEE, apply, at, expectUnchanged, participant, ringOf, ringing } from "./testing/call-fixtures";

describe("createCall", () => {
  it("starts ringing every callee, with the caller in the call", () => {
    const call = createCall({
      id: CALL_ID,
      kind: "audio",
      callerId: ANN,
      callees: [
        { userId: BO, silent: false, deadline: at(30) },
        { userId: CY, silent: true, deadline: at(45) },
      ],
      now: at(0),
    });
    expect(call).toEqual({
      id: CALL_ID,
      kind: "audio",
      callerId: ANN,
      createdAt: at(0),
      status: "ringing",
      answeredAt: null,
      endedAt: null,
      participants: [
        { userId: ANN, role: "caller", ring: null, joinedAt: null, leftAt: null },
        { userId: BO, role: "callee", ring: { state: "ringing", deadline: at(30), silent: false }, joinedAt: null, leftAt: null },
        { userId: CY, role: "callee", ring: { state: "ringing", deadline: at(45), silent: true }, joinedAt: null, leftAt: null },
      ],
    });
  });
  it("refuses a call nobody can be part of", () => {
    const base = { id: CALL_ID, kind: "audio" as const, callerId: ANN, now: at(0) };
    const callee = (userId: string) => ({ userId, silent: false, deadline: at(30) });
    expect(() => createCall({ ...base, callees: [] })).toThrow(RangeError);
    expect(() => createCall({ ...base, callees: [callee(BO), callee(BO.toUpperCase())] })).toThrow(RangeError);
    expect(() => createCall({ ...base, callees: [callee(ANN)] })).toThrow(RangeError);
  });
});

describe("1:1 call", () => {
  it("answer then hang up: active, then ended with both recorded as left", () => {
    const answered = apply(ringing(), { type: "answer", userId: BO, now: at(5) });
    expect(answered.status).toBe("active");
    expect(answered.answeredAt).toEqual(at(5));
    expect(ringOf(answered, BO)).toEqual({ state: "answered", at: at(5) });

    const joined = apply(answered, { type: "join", userId: ANN, now: at(6) }, { type: "join", userId: BO, now: at(7) });
    expect(joined.status).toBe("active");
    expect(participant(joined, BO).joinedAt).toEqual(at(7));

    const ended = apply(joined, { type: "leave", userId: BO, now: at(65) });
    expect(ended.status).toBe("ended");
    expect(ended.endedAt).toEqual(at(65));
    expect(participant(ended, BO).leftAt).toEqual(at(65));
    expect(participant(ended, ANN).leftAt).toEqual(at(65));
    expect(ended.answeredAt).toEqual(at(5));
  });
  it("the caller hanging up an active call ends it too", () => {
    const ended = apply(ringing(), { type: "answer", userId: BO, now: at(5) }, { type: "leave", userId: ANN, now: at(9) });
    expect(ended.status).toBe("ended");
    expect(ended.endedAt).toEqual(at(9));
  });
  it("counts the caller as in the call before their media join arrives", () => {
    const three = apply(ringing([BO, CY]), { type: "answer", userId: BO, now: at(1) }, { type: "answer", userId: CY, now: at(2) });
    // ANN never sent a join; BO leaving still leaves ANN and CY talking.
    expect(apply(three, { type: "leave", userId: BO, now: at(8) }).status).toBe("active");
  });
  it("counts whoever the media server says joined, even before their answer is recorded", () => {
    const call = apply(
      ringing([BO, CY]),
      { type: "answer", userId: BO, now: at(1) },
      { type: "join", userId: CY, now: at(2) },
      { type: "leave", userId: BO, now: at(3) },
    );
    expect(call.status).toBe("active");
    // In a call that is still ringing, a callee's media leaving does not end or cancel it.
    const stillRinging = apply(ringing([BO]), { type: "join", userId: BO, now: at(1) }, { type: "leave", userId: BO, now: at(2) });
    expect(stillRinging.status).toBe("ringing");
    expect(stillRinging.endedAt).toBeNull();
  });
  it("decline: the call is declined and ends at the decline", () => {
    const call = apply(ringing(), { type: "decline", userId: BO, now: at(3) });
    expect(call.status).toBe("declined");
    expect(ringOf(call, BO)).toEqual({ state: "declined", at: at(3), silent: false });
    expect(call.endedAt).toEqual(at(3));
    expect(call.answeredAt).toBeNull();
  });
  it("timeout: nothing happens before the deadline, then the ring times out at its deadline", () => {
    const call = ringing();
    expectUnchanged(call, { type: "expire", now: at(29.999) });
    // The sweeper ran late; the ring still ended at its deadline.
    const missed = apply(call, { type: "expire", now: at(42) });
    expect(missed.status).toBe("missed");
    expect(ringOf(missed, BO)).toEqual({ state: "timeout", at: at(30), silent: false });
    expect(missed.endedAt).toEqual(at(30));
  });
  it("a ring times out exactly at its deadline", () => {
    expect(apply(ringing(), { type: "expire", now: at(30) }).status).toBe("missed");
  });
  it("cancel: every ring is cancelled and the caller is gone", () => {
    const call = apply(ringing(), { type: "cancel", userId: ANN, now: at(4) });
    expect(call.status).toBe("cancelled");
    expect(ringOf(call, BO)).toEqual({ state: "cancelled", at: at(4), silent: false });
    expect(participant(call, ANN).leftAt).toEqual(at(4));
    expect(call.endedAt).toEqual(at(4));
  });
  it("the caller leaving while it rings is a cancel", () => {
    const cancelled = apply(ringing(), { type: "cancel", userId: ANN, now: at(4) });
    expect(apply(ringing(), { type: "leave", userId: ANN, now: at(4) })).toEqual(cancelled);
  });
  it("finds participants case-insensitively", () => {
    expect(apply(ringing(), { type: "answer", userId: BO.toUpperCase(), now: at(2) }).status).toBe("active");
  });
});

describe("room-finished", () => {
  it("ends an active call and records everyone still in it as left", () => {
    const active = apply(ringing([BO, CY]), { type: "answer", userId: BO, now: at(2) }, { type: "join", userId: BO, now: at(3) });
    const done = apply(active, { type: "room-finished", now: at(50) });
    expect(done.status).toBe("ended");
    expect(done.endedAt).toEqual(at(50));
    expect(participant(done, ANN).leftAt).toEqual(at(50));
    expect(participant(done, BO).leftAt).toEqual(at(50));
    // CY's ring had already timed out at 30 s; room-finished does not rewrite it.
    expect(ringOf(done, CY)).toEqual({ state: "timeout", at: at(30), silent: false });
  });
  it("stops a call that is still ringing", () => {
    const done = apply(ringing(), { type: "room-finished", now: at(10) });
    expect(done.status).toBe("cancelled");
    expect(ringOf(done, BO)).toEqual({ state: "cancelled", at: at(10), silent: false });
    expect(participant(done, ANN).leftAt).toEqual(at(10));
  });
});

describe("group call", () => {
  it("B answers, C declines → active; B leaves → ended", () => {
    const active = apply(
      ringing([BO, CY]),
      { type: "answer", userId: BO, now: at(2) },
      { type: "decline", userId: CY, now: at(3) },
    );
    expect(active.status).toBe("active");
    const ended = apply(active, { type: "leave", userId: BO, now: at(20) });
    expect(ended.status).toBe("ended");
    expect(ended.endedAt).toEqual(at(20));
    expect(ringOf(ended, CY)).toEqual({ state: "declined", at: at(3), silent: false });
  });
  it("remaining rings keep ringing after the first answer, and a later answer keeps the first answeredAt", () => {
    const active = apply(ringing([BO, CY]), { type: "answer", userId: BO, now: at(2) });
    expect(ringOf(active, CY).state).toBe("ringing");
    const both = apply(active, { type: "answer", userId: CY, now: at(8) });
    expect(both.status).toBe("active");
    expect(both.answeredAt).toEqual(at(2));
  });
  it("rings in an active call still time out, and the call stays active", () => {
    const active = apply(ringing([BO, CY]), { type: "answer", userId: BO, now: at(2) });
    const later = apply(active, { type: "expire", now: at(31) });
    expect(later.status).toBe("active");
    expect(ringOf(later, CY)).toEqual({ state: "timeout", at: at(30), silent: false });
  });
  it("stays active while two people remain; ends when one is left", () => {
    const three = apply(
      ringing([BO, CY]),
      { type: "answer", userId: BO, now: at(2) },
      { type: "answer", userId: CY, now: at(3) },
    );
    const two = apply(three, { type: "leave", userId: BO, now: at(10) });
    expect(two.status).toBe("active");
    expect(two.endedAt).toBeNull();
    const caller = apply(three, { type: "leave", userId: ANN, now: at(10) });
    expect(caller.status).toBe("active"); // BO and CY carry on without the caller
    expect(apply(two, { type: "leave", userId: CY, now: at(12) }).status).toBe("ended");
  });
  it("ending the call stops rings still going (they count as cancelled)", () => {
    const active = apply(ringing([BO, CY]), { type: "answer", userId: BO, now: at(2) });
    const ended = apply(active, { type: "leave", userId: BO, now: at(9) });
    expect(ended.status).toBe("ended");
    expect(ringOf(ended, CY)).toEqual({ state: "cancelled", at: at(9), silent: false });
  });
  it("a rejoin after dropping out puts the participant back", () => {
    const three = apply(
      ringing([BO, CY]),
      { type: "answer", userId: BO, now: at(2) },
      { type: "answer", userId: CY, now: at(3) },
      { type: "join", userId: BO, now: at(4) },
      { type: "leave", userId: BO, now: at(10) },
    );
    const back = apply(three, { type: "join", userId: BO, now: at(12) });
    expect(participant(back, BO)).toMatchObject({ joinedAt: at(4), leftAt: null });
    // With BO back, CY leaving leaves two people: the call goes on.
    expect(apply(back, { type: "leave", userId: CY, now: at(20) }).status).toBe("active");
  });
  it("all final, none answered: all declined → declined; a mix → missed; cancel after a decline → missed", () => {
    const call = ringing([BO, CY]);
    const declined = apply(call, { type: "decline", userId: BO, now: at(1) }, { type: "decline", userId: CY, now: at(2) });
    expect(declined.status).toBe("declined");
    expect(declined.endedAt).toEqual(at(2));
    const mixed = apply(call, { type: "decline", userId: BO, now: at(1) }, { type: "expire", now: at(30) });
    expect(mixed.status).toBe("missed");
    expect(mixed.endedAt).toEqual(at(30));
    const cancelled = apply(call, { type: "decline", userId: BO, now: at(1) }, { type: "cancel", userId: ANN, now: at(5) });
    expect(cancelled.status).toBe("missed");
    expect(ringOf(cancelled, CY)).toEqual({ state: "cancelled", at: at(5), silent: false });
  });
  it("still rings while anyone is ringing", () => {
    const call = apply(ringing([BO, CY, DEE]), { type: "decline", userId: BO, now: at(1) }, { type: "decline", userId: CY, now: at(2) });
    expect(call.status).toBe("ringing");
    expect(call.endedAt).toBeNull();
  });
});

describe("silent rings", () => {
  it("look like ringing, cannot be answered or declined, and time out as missed", () => {
    const call = ringing([BO], [BO]);
    expect(call.status).toBe("ringing");
    for (const type of ["answer", "decline"] as const) {
      expect(transition(call, { type, userId: BO, now: at(1) })).toEqual({ ok: false, error: { code: "not-ringing" } });
    }
    const missed = apply(call, { type: "expire", now: at(30) });
    expect(missed.status).toBe("missed");
    expect(ringOf(missed, BO)).toEqual({ state: "timeout", at: at(30), silent: true });
  });
  it("can be cancelled, keeping the silent flag", () => {
    const call = apply(ringing([BO], [BO]), { type: "cancel", userId: ANN, now: at(3) });
    expect(call.status).toBe("cancelled");
    expect(ringOf(call, BO)).toEqual({ state: "cancelled", at: at(3), silent: true });
  });
  it("a silent ring among normal ones: the others still answer, and it only ever times out", () => {
    const active = apply(ringing([BO, CY], [CY]), { type: "answer", userId: BO, now: at(2) }, { type: "expire", now: at(30) });
    expect(active.status).toBe("active");
    expect(ringOf(active, CY)).toEqual({ state: "timeout", at: at(30), silent: true });
  });
});

describe("deriveStatus", () => {
  const withRings = (call: Call, endedAt: Date | null, ...states: Array<"declined" | "timeout" | "cancelled">) => ({
    ...call,
    endedAt,
    participants: call.participants.map((p, i) =>
      p.ring ? { ...p, ring: { state: states[i - 1] ?? "timeout", at: at(1), silent: false } } : p,
    ),
  });
  it("is ended only once an answered call has an end time", () => {
    const active = apply(ringing(), { type: "answer", userId: BO, now: at(1) });
    expect(deriveStatus(active)).toBe("active");
    expect(deriveStatus({ ...active, endedAt: at(9) })).toBe("ended");
  });
  it("classifies calls where every ring is final", () => {
    const call = ringing([BO, CY]);
    expect(deriveStatus(withRings(call, null, "cancelled", "cancelled"))).toBe("cancelled");
    expect(deriveStatus(withRings(call, null, "declined", "declined"))).toBe("declined");
    expect(deriveStatus(withRings(call, null, "declined", "cancelled"))).toBe("missed");
    expect(deriveStatus(withRings(call, null, "timeout", "timeout"))).toBe("missed");
  });
  it("a silently declined ring (never produced) does not read as declined", () => {
    const call = ringing([BO]);
    const silentDecline = {
      ...call,
      participants: call.participants.map((p) => (p.ring ? { ...p, ring: { state: "declined" as const, at: at(1), silent: true } } : p)),
    };
    expect(deriveStatus(silentDecline)).toBe("missed");
  });
});

describe("isCallOver", () => {
  it.each([
    ["ringing", false],
    ["active", false],
    ["missed", true],
    ["declined", true],
    ["cancelled", true],
    ["ended", true],
  ] as const)("%s → %s", (status, over) => {
    expect(isCallOver(status)).toBe(over);
  });
});
