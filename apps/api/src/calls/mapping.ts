import { callerOutcome, durationSeconds, isMissedFor, nextDeadline, type Call, type CalleeRing, type Participant } from "@ringback/core/call-state";
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

export type Names = Map<string, { displayName: string; handle: string }>;

export type ParticipantOutcome = "caller" | "ringing" | "answered" | "declined" | "no-answer" | "unavailable";

export type CallView = {
  id: string;
  kind: "audio" | "video";
  status: Call["status"];
  direction: "outgoing" | "incoming";
  createdAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
  /** true when the viewer was rung and never got to pick up */
  missed: boolean;
  /** what this call means for the viewer, one word for the history row */
  outcome: "answered" | "declined" | "missed" | "cancelled" | "no-answer" | "unavailable" | "ringing" | "active";
  myRing: "ringing" | "answered" | "declined" | "timeout" | "cancelled" | "unavailable" | null;
  /** when the viewer's own ring stops at the latest, so a page can stop ringing even if an event is lost */
  myRingDeadline: Date | null;
  participants: Array<{ userId: string; displayName: string; handle: string; role: "caller" | "callee"; outcome: ParticipantOutcome; inCall: boolean }>;
};

/**
 * The call as one participant may see it. Other people's silent rings read exactly like unanswered
 * ones, so nothing here can tell a caller that they were blocked or silenced.
 */
export function toCallView(call: Call, viewerId: string, names: Names): CallView {
  const me = call.participants.find((p) => p.userId === viewerId);
  const others = call.participants.filter((p) => p.userId !== viewerId);
  const participants = call.participants.map((p) => ({
    userId: p.userId,
    displayName: names.get(p.userId)?.displayName ?? "Someone",
    handle: names.get(p.userId)?.handle ?? "",
    role: p.role,
    outcome: p.ring === null ? ("caller" as const) : callerOutcome(p.ring),
    inCall: p.joinedAt !== null && p.leftAt === null,
  }));
  const missed = isMissedFor(call, viewerId);
  return {
    id: call.id,
    kind: call.kind,
    status: call.status,
    direction: me?.role === "caller" ? "outgoing" : "incoming",
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    durationSeconds: durationSeconds(call),
    missed,
    outcome: viewerOutcome(call, me, others, missed),
    myRing: me?.ring?.state ?? null,
    myRingDeadline: me?.ring?.state === "ringing" ? me.ring.deadline : null,
    participants,
  };
}

function viewerOutcome(call: Call, me: Participant | undefined, others: Participant[], missed: boolean): CallView["outcome"] {
  if (call.status === "ringing") return "ringing";
  if (call.status === "active") return "active";
  if (call.answeredAt !== null && (me?.role === "caller" || me?.ring?.state === "answered")) return "answered";
  if (me?.role === "callee") {
    if (missed) return "missed";
    return me.ring?.state === "declined" ? "declined" : "missed";
  }
  // the caller of a call nobody picked up: one word from what the callees did, as the caller sees it
  const seen = others.flatMap((p) => (p.ring ? [callerOutcome(p.ring)] : []));
  if (call.status === "cancelled") return "cancelled";
  if (seen.length > 0 && seen.every((o) => o === "declined")) return "declined";
  if (seen.length > 0 && seen.every((o) => o === "unavailable")) return "unavailable";
  return "no-answer";
}
