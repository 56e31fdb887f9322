import { describe, expect, it } from "vitest";
import { toCallView } from "./call-views";
import {
  callUpdatedEvent,
  encodeRealtimeEvent,
  incomingCallEvent,
  missedSeenEvent,
  parseRealtimeEvent,
  type RealtimeEvent,
} from "./events";
import { ANN, BO, ringing } from "./testing/call-fixtures";

const view = toCallView(ringing(), BO, new Map());

describe("realtime events", () => {
  it.each<[string, RealtimeEvent]>([
    ["incoming-call", incomingCallEvent(view)],
    ["call-updated", callUpdatedEvent(toCallView(ringing(), ANN, new Map()))],
    ["missed-seen", missedSeenEvent()],
  ])("%s comes back from its JSON form unchanged, dates as Dates", (_type, event) => {
    const wire: unknown = JSON.parse(JSON.stringify(encodeRealtimeEvent(event)));
    const parsed = parseRealtimeEvent(wire);
    expect(parsed.success && parsed.data).toEqual(event);
  });

  it("turns the ISO strings of a received call into Dates", () => {
    const parsed = parseRealtimeEvent(JSON.parse(JSON.stringify(encodeRealtimeEvent(incomingCallEvent(view)))));
    if (!parsed.success || parsed.data.type !== "incoming-call") throw new Error("expected a call event");
    expect(parsed.data.payload.call.createdAt).toBeInstanceOf(Date);
    expect(parsed.data.payload.call.myRingDeadline).toEqual(view.myRingDeadline);
  });

  it.each<[string, unknown]>([
    ["an unknown type", { type: "ping", payload: {} }],
    ["a call event without a call", { type: "incoming-call", payload: {} }],
    ["a call with a date that is not one", { type: "call-updated", payload: { call: { ...encodeRealtimeEvent(incomingCallEvent(view)).payload, createdAt: "yesterday" } } }],
    ["a call whose status is unknown", { type: "call-updated", payload: { call: { ...JSON.parse(JSON.stringify(view)), status: "exploded" } } }],
    ["not an object", "incoming-call"],
  ])("rejects %s", (_name, json) => {
    expect(parseRealtimeEvent(json).success).toBe(false);
  });
});
