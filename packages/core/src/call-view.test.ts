import { describe, expect, it } from "vitest";
import { type Call, type CallEvent, createCall } from "./call-state";
import { callViewSchema, toCallView, viewerOutcome, type Names, type ViewerOutcome } from "./call-views";
import { ANN, BO, CALL_ID, CY, STRANGER, apply, at, ringing } from "./testing/call-fixtures";

const names: Names = new Map([
  [ANN, { displayName: "Ann", handle: "ann" }],
  [BO, { displayName: "Bo", handle: "bo" }],
  [CY, { displayName: "Cy", handle: "cy" }],
]);

/** A call to BO (and CY) where `silent` callees' rings are silent or (with `unavailable`) never rang. */
function call(opts: { callees?: string[]; silent?: string[]; unavailable?: string[] } = {}): Call {
  const { callees = [BO], silent = [], unavailable = [] } = opts;
  return createCall({
    id: CALL_ID,
    kind: "audio",
    callerId: ANN,
    callees: callees.map((userId) => ({ userId, silent: silent.includes(userId), deadline: at(30), unavailable: unavailable.includes(userId) })),
    now: at(0),
  });
}

const expire: CallEvent = { type: "expire", now: at(30) };
const cancel: CallEvent = { type: "cancel", userId: ANN, now: at(5) };
const answer = (userId: string, s = 2): CallEvent => ({ type: "answer", userId, now: at(s) });
const decline = (userId: string, s = 2): CallEvent => ({ type: "decline", userId, now: at(s) });
const leave = (userId: string, s = 60): CallEvent => ({ type: "leave", userId, now: at(s) });

describe("viewerOutcome", () => {
  it.each<[string, Call, string, ViewerOutcome]>([
    ["the caller while it rings", ringing(), ANN, "ringing"],
    ["the callee while it rings", ringing(), BO, "ringing"],
    ["the caller of an answered call in progress", apply(ringing(), answer(BO)), ANN, "active"],
    ["the caller after an answered call", apply(ringing(), answer(BO), leave(BO)), ANN, "answered"],
    ["the callee who answered, afterwards", apply(ringing(), answer(BO), leave(BO)), BO, "answered"],
    ["the callee of a group call who never answered", apply(ringing([BO, CY]), answer(BO), leave(BO)), CY, "missed"],
    ["the callee who declined", apply(ringing(), decline(BO)), BO, "declined"],
    ["the caller everyone declined", apply(ringing([BO, CY]), decline(BO), decline(CY)), ANN, "declined"],
    ["the callee whose ring timed out", apply(ringing(), expire), BO, "missed"],
    ["the callee whose ring the caller cancelled", apply(ringing(), cancel), BO, "missed"],
    ["the callee who takes no calls", call({ unavailable: [BO] }), BO, "missed"],
    ["the caller who cancelled", apply(ringing(), cancel), ANN, "cancelled"],
    ["the caller nobody answered", apply(ringing(), expire), ANN, "no-answer"],
    ["the caller one declined and one missed", apply(ringing([BO, CY]), decline(BO), expire), ANN, "no-answer"],
    ["the caller of someone who takes no calls", call({ unavailable: [BO] }), ANN, "unavailable"],
  ])("%s: %s", (_name, c, viewer, outcome) => {
    expect(viewerOutcome(c, viewer)).toBe(outcome);
  });

  it("reads a blocked or silenced ring to the caller exactly like an unanswered one, whole view included", () => {
    // each pair: the same story with BO's ring silent (blocked / silenced) and with BO really rung and not answering
    const stories: Array<(silent: string[]) => Call> = [
      (silent) => call({ silent }),
      (silent) => apply(call({ silent }), expire),
      (silent) => apply(call({ silent }), cancel),
      (silent) => apply(call({ callees: [BO, CY], silent }), decline(CY), expire),
      (silent) => apply(call({ callees: [BO, CY], silent }), answer(CY), expire, leave(CY)),
      (silent) => apply(call({ callees: [BO, CY], silent }), answer(CY), leave(ANN, 10)),
      // the blocker also takes no calls: the caller sees "unavailable" either way
      (silent) => call({ silent, unavailable: [BO] }),
    ];
    for (const story of stories) {
      const blocked = toCallView(story([BO]), ANN, names);
      const unanswered = toCallView(story([]), ANN, names);
      expect(blocked).toEqual(unanswered);
    }
  });

  it("is the same word whatever the case of the viewer's id", () => {
    expect(viewerOutcome(apply(ringing(), expire), ANN.toUpperCase())).toBe("no-answer");
  });
});

describe("toCallView", () => {
  it("shows the viewer's side: direction, own ring and deadline, everyone's outcome", () => {
    const c = apply(ringing([BO, CY]), decline(CY));
    expect(toCallView(c, BO, names)).toEqual({
      id: CALL_ID,
      kind: "video",
      status: "ringing",
      direction: "incoming",
      createdAt: at(0),
      answeredAt: null,
      endedAt: null,
      durationSeconds: null,
      missed: false,
      outcome: "ringing",
      myRing: "ringing",
      myRingDeadline: at(30),
      participants: [
        { userId: ANN, displayName: "Ann", handle: "ann", role: "caller", outcome: "caller", inCall: false },
        { userId: BO, displayName: "Bo", handle: "bo", role: "callee", outcome: "ringing", inCall: false },
        { userId: CY, displayName: "Cy", handle: "cy", role: "callee", outcome: "declined", inCall: false },
      ],
    });
    expect(toCallView(c, ANN, names)).toMatchObject({ direction: "outgoing", myRing: null, myRingDeadline: null });
  });

  it("names someone it has no name for 'Someone', never by id", () => {
    const view = toCallView(createCall({ id: CALL_ID, kind: "audio", callerId: ANN, callees: [{ userId: STRANGER, silent: false, deadline: at(30) }], now: at(0) }), ANN, names);
    expect(view.participants[1]).toMatchObject({ displayName: "Someone", handle: "" });
  });

  it("survives the trip through JSON: encoded dates are strings, parsed ones are Dates again", () => {
    const view = toCallView(apply(ringing(), answer(BO, 3), leave(BO, 63)), ANN, names);
    const json: unknown = JSON.parse(JSON.stringify(callViewSchema.encode(view)));
    expect(json).toMatchObject({ createdAt: at(0).toISOString(), answeredAt: at(3).toISOString(), endedAt: at(63).toISOString() });
    expect(callViewSchema.parse(json)).toEqual(view);
  });
});
