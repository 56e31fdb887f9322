import { describe, expect, it } from "vitest";
import { createCall, transition } from "./call-state";
import { callerOutcome, canLeaveMessageAfter, isMissedFor, nextDeadline } from "./call-views";

const now = new Date("2026-01-01T10:00:00Z");
const deadline = new Date("2026-01-01T10:00:30Z");

describe("callees who take no calls", () => {
  it("never ring: a 1:1 call to them is over at once, and reads 'unavailable' to the caller", () => {
    const call = createCall({ id: "c1", kind: "audio", callerId: "a", callees: [{ userId: "b", silent: false, deadline, unavailable: true }], now });
    expect(call.status).toBe("missed");
    expect(call.endedAt).toEqual(now);
    expect(nextDeadline(call)).toBeNull();
    const ring = call.participants.find((p) => p.userId === "b")?.ring;
    expect(ring).toEqual({ state: "unavailable", at: now, silent: false });
    expect(ring && callerOutcome(ring)).toBe("unavailable");
    expect(ring && canLeaveMessageAfter(ring)).toBe(true);
    // like Do Not Disturb: it did not ring, but they see that someone tried
    expect(isMissedFor(call, "b")).toBe(true);
    const answer = transition(call, { type: "answer", userId: "b", now });
    expect(answer).toEqual({ ok: false, error: { code: "call-over" } });
  });

  it("stay invisible to someone who also blocked the caller, while the caller still reads 'unavailable'", () => {
    const call = createCall({ id: "c3", kind: "video", callerId: "a", callees: [{ userId: "b", silent: true, deadline, unavailable: true }], now });
    const ring = call.participants.find((p) => p.userId === "b")?.ring;
    expect(ring && callerOutcome(ring)).toBe("unavailable");
    expect(isMissedFor(call, "b")).toBe(false);
  });

  it("leave the rest of a group ringing", () => {
    const call = createCall({
      id: "c2",
      kind: "video",
      callerId: "a",
      callees: [
        { userId: "b", silent: false, deadline, unavailable: true },
        { userId: "c", silent: false, deadline },
      ],
      now,
    });
    expect(call.status).toBe("ringing");
    expect(nextDeadline(call)).toEqual(deadline);
    const answered = transition(call, { type: "answer", userId: "c", now });
    expect(answered.ok && answered.call.status).toBe("active");
    const unavailableAnswer = transition(call, { type: "answer", userId: "b", now });
    expect(unavailableAnswer).toEqual({ ok: false, error: { code: "not-ringing" } });
  });
});
