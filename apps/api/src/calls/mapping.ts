import type { Call, CalleeRing, Participant } from "@ringback/core/call-state";
import { nextDeadline } from "@ringback/core/call-views";
import type { CallWithParticipants, ParticipantRow } from "@ringback/db/queries/calls";

/** Turns stored rows into the core's call value. */
export function toCoreCall(row: CallWithParticipants): Call {
  return {
    id: row.id,
    kind: row.kind,
    callerId: row.callerId,
    createdAt: row.createdAt,
    status: row.status,
    answeredAt: row.answeredAt,
    endedAt: row.endedAt,
    participants: row.participants.map(toCoreParticipant),
  };
}

function toCoreParticipant(p: ParticipantRow): Participant {
  return { userId: p.userId, role: p.role, ring: toCoreRing(p), joinedAt: p.joinedAt, leftAt: p.leftAt };
}

function toCoreRing(p: ParticipantRow): CalleeRing | null {
  const at = p.ringEndedAt ?? p.createdAt;
  const silent = p.ringSilent;
  switch (p.ringState) {
    case null:
      return null;
    case "ringing":
      return { state: "ringing", deadline: p.ringDeadline ?? p.createdAt, silent };
    case "answered":
      return { state: "answered", at };
    case "declined":
    case "timeout":
    case "cancelled":
    case "unavailable":
      return { state: p.ringState, at, silent };
    default: {
      const _exhaustive: never = p.ringState;
      return _exhaustive;
    }
  }
}

/** The stored form of a call: every column insertCall needs, of which saveCall writes the ones a transition may change. */
export function toStored(call: Call) {
  return {
    call: { id: call.id, status: call.status, answeredAt: call.answeredAt, endedAt: call.endedAt, nextDeadline: nextDeadline(call) },
    participants: call.participants.map((p) => ({
      userId: p.userId,
      role: p.role,
      ringState: p.ring?.state ?? null,
      ringSilent: p.ring !== null && "silent" in p.ring && p.ring.silent,
      ringDeadline: p.ring?.state === "ringing" ? p.ring.deadline : null,
      ringEndedAt: p.ring && p.ring.state !== "ringing" ? p.ring.at : null,
      joinedAt: p.joinedAt,
      leftAt: p.leftAt,
    })),
  };
}
