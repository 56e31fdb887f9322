import { sameId } from "./ids";
import type { Call, CalleeRing } from "./call-state";

/** The earliest deadline among rings still ringing, for the sweeper; null when nothing rings. */
export function nextDeadline(call: Call): Date | null {
  let earliest: Date | null = null;
  for (const p of call.participants) {
    const ring = p.ring;
    if (ring?.state !== "ringing") continue;
    if (earliest === null || ring.deadline.getTime() < earliest.getTime()) earliest = ring.deadline;
  }
  return earliest;
}

/** True when this callee was rung and never got to answer (timed out or cancelled), unless the ring was silent. */
export function isMissedFor(call: Call, userId: string): boolean {
  const ring = call.participants.find((p) => sameId(p.userId, userId))?.ring;
  if (!ring) return false;
  switch (ring.state) {
    case "timeout":
    case "cancelled":
      // Silent rings were never shown, so they must not surface as a missed call either.
      return !ring.silent;
    // like a phone on Do Not Disturb: it did not ring, but the person should know someone tried
    // (unless they blocked the caller: then it stays as invisible as any blocked ring)
    case "unavailable":
      return !ring.silent;
    case "ringing":
    case "answered":
    case "declined":
      return false;
    default: {
      const _exhaustive: never = ring;
      return _exhaustive;
    }
  }
}

/** What the caller is shown for one callee's ring; a silent ring reads exactly like an unanswered one. */
export function callerOutcome(ring: CalleeRing): "ringing" | "answered" | "declined" | "no-answer" | "unavailable" {
  switch (ring.state) {
    // A silent ring must look like ringing while it lasts, or the caller would learn it is silent.
    case "ringing":
      return "ringing";
    case "answered":
      return "answered";
    case "declined":
      return ring.silent ? "no-answer" : "declined";
    case "timeout":
    case "cancelled":
      return "no-answer";
    case "unavailable":
      return "unavailable";
    default: {
      const _exhaustive: never = ring;
      return _exhaustive;
    }
  }
}

/** Whether the caller may be offered "leave a message" after this ring (message policy applies separately). */
export function canLeaveMessageAfter(ring: CalleeRing): boolean {
  switch (ring.state) {
    // Silent rings included on purpose: offering less after a silent ring would reveal it.
    case "timeout":
    case "declined":
    case "unavailable":
      return true;
    case "ringing":
    case "answered":
    case "cancelled":
      return false;
    default: {
      const _exhaustive: never = ring;
      return _exhaustive;
    }
  }
}

/** Whole seconds between the first answer and the end of an ended call; null if it never connected or is not over. */
export function durationSeconds(call: Call): number | null {
  if (call.status !== "ended" || call.answeredAt === null || call.endedAt === null) return null;
  return Math.max(0, Math.floor((call.endedAt.getTime() - call.answeredAt.getTime()) / 1000));
}
