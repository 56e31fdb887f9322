import { describe, expect, it } from "vitest";
import { noRings, ringsReducer, type RingsAction, type RingsState } from "./rings-reducer";
import type { CallView } from "./types";

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const at = (s: number) => T0 + s * 1000;

/** A call as the callee sees it; ringing for me until `deadline` seconds unless changed. */
function call(id: string, over: Partial<CallView> = {}): CallView {
  return {
    id,
    kind: "audio",
    status: "ringing",
    direction: "incoming",
    createdAt: new Date(at(0)),
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    missed: false,
    outcome: "ringing",
    myRing: "ringing",
    myRingDeadline: new Date(at(30)),
    participants: [],
    ...over,
  };
}
const answeredElsewhere = (id: string) => call(id, { status: "active", outcome: "active", myRing: "answered", myRingDeadline: null });
const timedOut = (id: string) => call(id, { status: "missed", outcome: "missed", myRing: "timeout", myRingDeadline: null, missed: true });

const run = (...actions: RingsAction[]): RingsState => actions.reduce(ringsReducer, noRings);
const ids = (state: RingsState) => state.rings.map((r) => r.call.id);

describe("ringsReducer", () => {
  it("adds an incoming ring once and updates it in place", () => {
    const state = run(
      { type: "event", call: call("a"), seq: 1, now: at(1) },
      { type: "event", call: call("b"), seq: 2, now: at(1) },
      { type: "event", call: call("a", { kind: "video" }), seq: 3, now: at(2) },
    );
    expect(ids(state)).toEqual(["a", "b"]);
    expect(state.rings[0]).toMatchObject({ seq: 3, call: { kind: "video" } });
  });

  it("never rings for my own outgoing calls or for a call whose deadline passed", () => {
    const state = run(
      { type: "event", call: call("out", { direction: "outgoing", myRing: null, myRingDeadline: null }), seq: 1, now: at(1) },
      { type: "event", call: call("late"), seq: 2, now: at(31) },
    );
    expect(ids(state)).toEqual([]);
  });

  it("stops a ring that ended and never brings it back, even if an older event arrives later", () => {
    const state = run(
      { type: "event", call: call("a"), seq: 1, now: at(1) },
      { type: "event", call: answeredElsewhere("a"), seq: 2, now: at(2) },
      { type: "event", call: call("a"), seq: 3, now: at(3) },
      { type: "snapshot", calls: [call("a")], asOf: 3, now: at(4) },
    );
    expect(ids(state)).toEqual([]);
    expect(state.gone.has("a")).toBe(true);
  });

  it("hides a dismissed ring at once, for good", () => {
    const state = run(
      { type: "event", call: call("a"), seq: 1, now: at(1) },
      { type: "event", call: call("b"), seq: 2, now: at(1) },
      { type: "dismiss", callId: "a" },
      { type: "event", call: call("a"), seq: 3, now: at(2) },
    );
    expect(ids(state)).toEqual(["b"]);
  });

  it("drops rings at their deadline even when no event ends them, and always returns a new list", () => {
    const ringing = run(
      { type: "event", call: call("short", { myRingDeadline: new Date(at(10)) }), seq: 1, now: at(1) },
      { type: "event", call: call("long"), seq: 2, now: at(1) },
    );
    const early = ringsReducer(ringing, { type: "expire", now: at(9) });
    expect(ids(early)).toEqual(["short", "long"]);
    // a timer that fired a moment early must be set again: a new array makes the effect rerun
    expect(early.rings).not.toBe(ringing.rings);
    expect(ids(ringsReducer(ringing, { type: "expire", now: at(10) }))).toEqual(["long"]);
  });

  describe("snapshot", () => {
    it("adds rings the events missed (a page opened mid-ring)", () => {
      const state = run({ type: "snapshot", calls: [call("a"), timedOut("b"), call("c", { direction: "outgoing" })], asOf: 0, now: at(1) });
      expect(ids(state)).toEqual(["a"]);
      expect(state.rings[0]?.seq).toBe(0);
    });

    it("removes rings that ended while the stream was down (not listed, no newer event)", () => {
      const state = run(
        { type: "event", call: call("a"), seq: 1, now: at(1) },
        { type: "event", call: call("b"), seq: 2, now: at(1) },
        { type: "snapshot", calls: [call("b", { kind: "video" })], asOf: 2, now: at(5) },
      );
      expect(ids(state)).toEqual(["b"]);
      // the snapshot's copy replaces one no event touched since it was requested
      expect(state.rings[0]).toMatchObject({ seq: 2, call: { kind: "video" } });
    });

    it("keeps a ring an event touched after the snapshot was requested, as the event left it", () => {
      const state = run(
        { type: "event", call: call("a", { kind: "video" }), seq: 3, now: at(2) },
        // requested after 2 events: the ring for "a" came later, so the snapshot may not list it yet
        { type: "snapshot", calls: [], asOf: 2, now: at(3) },
      );
      expect(ids(state)).toEqual(["a"]);
      expect(state.rings[0]?.call.kind).toBe("video");
    });
  });
});
