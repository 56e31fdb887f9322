// Test-only helpers for call-state tests; not exported from the package.
import { expect } from "vitest";
import { type Call, type CallEvent, type CalleeRing, createCall, transition } from "../call-state";
import type { Relationship } from "../reachability";

export const CALL_ID = "9d4c1b1e-3a43-4d8e-9a55-0a1b2c3d4e5f";
export const ANN = "6f9619ff-8b86-4d11-b42d-00c04fc964ff"; // the caller in every fixture
export const BO = "0b3c2a8e-4a5f-4f3e-9c1d-2e7f6a5b4c3d";
export const CY = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
export const DEE = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a";
export const STRANGER = "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b";

/** Two people with nothing between them: no contact, no block, no call ever shared. */
export const stranger: Relationship = {
  recipientBlockedCaller: false,
  callerBlockedRecipient: false,
  callerIsRecipientContact: false,
  recipientCalledCaller: false,
  sharedCall: false,
};

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
/** The fixed clock: `at(5)` is five seconds after the call was created. */
export const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
export const RING_SECONDS = 30;

/** A call from ANN ringing each callee for 30 s; `silent` lists callees whose ring is silent. */
export function ringing(callees: string[] = [BO], silent: string[] = []): Call {
  return createCall({
    id: CALL_ID,
    kind: "video",
    callerId: ANN,
    callees: callees.map((userId) => ({ userId, silent: silent.includes(userId), deadline: at(RING_SECONDS) })),
    now: at(0),
  });
}

/** Applies events in order, failing the test on any transition error. */
export function apply(call: Call, ...events: CallEvent[]): Call {
  return events.reduce((current, event) => {
    const result = transition(current, event);
    if (!result.ok) throw new Error(`${event.type} failed: ${result.error.code}`);
    return result.call;
  }, call);
}

/** The error code a transition fails with (fails the test if it succeeds). */
export function errorOf(call: Call, event: CallEvent): string {
  const result = transition(call, event);
  expect(result.ok).toBe(false);
  return result.ok ? "unexpected-ok" : result.error.code;
}

/** Asserts the event is accepted without changing anything (the very same object comes back). */
export function expectUnchanged(call: Call, event: CallEvent): void {
  const result = transition(call, event);
  expect(result).toEqual({ ok: true, call });
  expect(result.ok && result.call).toBe(call);
}

export function participant(call: Call, userId: string) {
  const p = call.participants.find((x) => x.userId === userId);
  if (!p) throw new Error(`no participant ${userId}`);
  return p;
}

export function ringOf(call: Call, userId: string): CalleeRing {
  const ring = participant(call, userId).ring;
  if (!ring) throw new Error(`${userId} has no ring`);
  return ring;
}

/** Freezes a call and everything in it, so any in-place write throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
