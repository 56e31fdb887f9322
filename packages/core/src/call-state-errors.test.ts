import { describe, expect, it } from "vitest";
import { type Call, type CallEvent, transition } from "./call-state";
import {
  ANN,
  BO,
  CY,
  STRANGER,
  apply,
  at,
  deepFreeze,
  errorOf,
  expectUnchanged,
  ringing,
} from "./testing/call-fixtures";

const active = () => apply(ringing([BO, CY]), { type: "answer", userId: BO, now: at(2) });

/** One call in each final status. */
function finishedCalls(): Array<[string, Call]> {
  return [
    ["missed", apply(ringing(), { type: "expire", now: at(30) })],
    ["declined", apply(ringing(), { type: "decline", userId: BO, now: at(1) })],
    ["cancelled", apply(ringing(), { type: "cancel", userId: ANN, now: at(1) })],
    ["ended", apply(ringing(), { type: "answer", userId: BO, now: at(1) }, { type: "leave", userId: BO, now: at(9) })],
  ];
}

describe("not-participant", () => {
  it.each([["answer"], ["decline"], ["cancel"], ["join"], ["leave"]] as const)("%s by someone not in the call", (type) => {
    expect(errorOf(ringing(), { type, userId: STRANGER, now: at(1) })).toBe("not-participant");
    expect(errorOf(active(), { type, userId: STRANGER, now: at(3) })).toBe("not-participant");
  });
  it("wins over call-over, so a stranger learns nothing about the call", () => {
    const [, ended] = finishedCalls()[3] ?? [];
    if (!ended) throw new Error("fixture");
    expect(errorOf(ended, { type: "leave", userId: STRANGER, now: at(20) })).toBe("not-participant");
  });
});

describe("not-ringing", () => {
  it("answering or declining a ring that already ended", () => {
    const call = active();
    expect(errorOf(call, { type: "answer", userId: BO, now: at(3) })).toBe("not-ringing");
    expect(errorOf(call, { type: "decline", userId: BO, now: at(3) })).toBe("not-ringing");
    const declinedC = apply(call, { type: "decline", userId: CY, now: at(3) });
    expect(errorOf(declinedC, { type: "answer", userId: CY, now: at(4) })).toBe("not-ringing");
  });
  it("the caller has no ring to answer or decline", () => {
    expect(errorOf(ringing(), { type: "answer", userId: ANN, now: at(1) })).toBe("not-ringing");
    expect(errorOf(ringing(), { type: "decline", userId: ANN, now: at(1) })).toBe("not-ringing");
  });
  it("answering past the deadline fails even before the sweeper has run", () => {
    const call = active();
    expect(errorOf(call, { type: "answer", userId: CY, now: at(31) })).toBe("not-ringing");
    expect(errorOf(call, { type: "decline", userId: CY, now: at(30) })).toBe("not-ringing");
  });
  it("cancel once the call is active", () => {
    expect(errorOf(active(), { type: "cancel", userId: ANN, now: at(3) })).toBe("not-ringing");
  });
});

describe("not-caller", () => {
  it("only the caller can cancel", () => {
    expect(errorOf(ringing([BO, CY]), { type: "cancel", userId: BO, now: at(1) })).toBe("not-caller");
    expect(errorOf(active(), { type: "cancel", userId: CY, now: at(3) })).toBe("not-caller");
  });
});

describe("call-over", () => {
  const refused = (type: "answer" | "decline" | "cancel" | "join"): CallEvent => ({
    type,
    userId: type === "cancel" || type === "join" ? ANN : BO,
    now: at(40),
  });
  it.each(finishedCalls())("a %s call refuses answer, decline, cancel, join and expire", (_status, call) => {
    for (const type of ["answer", "decline", "cancel", "join"] as const) {
      expect(errorOf(call, refused(type)), type).toBe("call-over");
    }
    expect(errorOf(call, { type: "expire", now: at(40) })).toBe("call-over");
  });
  it.each(finishedCalls())("a %s call accepts leave and room-finished without change", (_status, call) => {
    expectUnchanged(call, { type: "leave", userId: ANN, now: at(40) });
    expectUnchanged(call, { type: "leave", userId: BO, now: at(40) });
    expectUnchanged(call, { type: "room-finished", now: at(40) });
  });
  it("an event arriving after every deadline finds the call already missed", () => {
    const call = ringing();
    expect(errorOf(call, { type: "cancel", userId: ANN, now: at(31) })).toBe("call-over");
    expect(errorOf(call, { type: "join", userId: ANN, now: at(31) })).toBe("call-over");
    // A hang-up racing the timeout is fine, and reports the timed-out call.
    const left = transition(call, { type: "leave", userId: ANN, now: at(31) });
    expect(left.ok && left.call.status).toBe("missed");
    expect(apply(call, { type: "room-finished", now: at(31) }).status).toBe("missed");
  });
});

describe("idempotent events", () => {
  it("a second join changes nothing", () => {
    const joined = apply(active(), { type: "join", userId: BO, now: at(3) });
    expectUnchanged(joined, { type: "join", userId: BO, now: at(4) });
  });
  it("leave by someone not in the call yet (still ringing) changes nothing", () => {
    expectUnchanged(active(), { type: "leave", userId: CY, now: at(3) });
  });
  it("a second leave changes nothing", () => {
    const three = apply(active(), { type: "answer", userId: CY, now: at(3) }, { type: "leave", userId: CY, now: at(5) });
    expectUnchanged(three, { type: "leave", userId: CY, now: at(6) });
  });
  it("expire with nothing due changes nothing", () => {
    expectUnchanged(active(), { type: "expire", now: at(10) });
  });
});

describe("immutability", () => {
  const snapshot = (call: Call) => JSON.stringify(call);
  const everyEvent = (now: Date): CallEvent[] => [
    { type: "answer", userId: BO, now },
    { type: "decline", userId: BO, now },
    { type: "decline", userId: CY, now },
    { type: "cancel", userId: ANN, now },
    { type: "join", userId: ANN, now },
    { type: "join", userId: BO, now },
    { type: "leave", userId: ANN, now },
    { type: "leave", userId: BO, now },
    { type: "expire", now },
    { type: "room-finished", now },
  ];
  const states = (): Array<[string, Call]> => [
    ["ringing", ringing([BO, CY])],
    ["active", apply(active(), { type: "join", userId: BO, now: at(3) })],
    ...finishedCalls(),
  ];
  it.each(states())("no event mutates a %s call in place", (_name, call) => {
    const before = snapshot(call);
    deepFreeze(call);
    for (const now of [at(5), at(45)]) {
      for (const event of everyEvent(now)) {
        const result = transition(call, event); // a write to a frozen object would throw here
        if (result.ok && result.call !== call) {
          expect(result.call.participants).not.toBe(call.participants);
        }
      }
    }
    expect(snapshot(call)).toBe(before);
  });
});
