import { z } from "zod";
import { sameId } from "./ids";
import { isoDate } from "./iso-date";
import type { Call, CalleeRing, Participant } from "./call-state";
import { captureSummarySchema } from "./library";
import { messageSummarySchema } from "./messages";

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


const participantOutcomeSchema = z.enum(["caller", "ringing", "answered", "declined", "no-answer", "unavailable"]);

/** A call as one participant may see it: what every calls.* procedure returns and every call event carries. */
export const callViewSchema = z.object({
  id: z.string(),
  kind: z.enum(["audio", "video"]),
  status: z.enum(["ringing", "active", "missed", "declined", "cancelled", "ended"]),
  direction: z.enum(["outgoing", "incoming"]),
  createdAt: isoDate,
  answeredAt: isoDate.nullable(),
  endedAt: isoDate.nullable(),
  durationSeconds: z.number().int().nonnegative().nullable(),
  /** true when the viewer was rung and never got to pick up */
  missed: z.boolean(),
  /** what this call means for the viewer, one word for the history row */
  outcome: z.enum(["answered", "declined", "missed", "cancelled", "no-answer", "unavailable", "ringing", "active"]),
  myRing: z.enum(["ringing", "answered", "declined", "timeout", "cancelled", "unavailable"]).nullable(),
  /** when the viewer's own ring stops at the latest, so a page can stop ringing even if an event is lost */
  myRingDeadline: isoDate.nullable(),
  participants: z.array(
    z.object({
      userId: z.string(),
      displayName: z.string(),
      handle: z.string(),
      role: z.enum(["caller", "callee"]),
      outcome: participantOutcomeSchema,
      inCall: z.boolean(),
    }),
  ),
  /** the message left on this call that the viewer sent or received (calls.history and calls.get only) */
  message: messageSummarySchema.nullable().optional(),
  /** Live Photos and recordings made in this call that the viewer took or was in (calls.history and calls.get only) */
  captures: z.array(captureSummarySchema).optional(),
});

export type CallView = z.output<typeof callViewSchema>;
export type ParticipantOutcome = z.output<typeof participantOutcomeSchema>;
export type ViewerOutcome = CallView["outcome"];
/** Display names and handles by user id, for the participants of the calls being shown. */
export type Names = ReadonlyMap<string, { displayName: string; handle: string }>;

/**
 * The call as one participant may see it. Other people's silent rings read exactly like unanswered
 * ones, so nothing here can tell a caller that they were blocked or silenced.
 */
export function toCallView(call: Call, viewerId: string, names: Names): CallView {
  const me = call.participants.find((p) => sameId(p.userId, viewerId));
  const participants = call.participants.map((p) => ({
    userId: p.userId,
    displayName: names.get(p.userId)?.displayName ?? "Someone",
    handle: names.get(p.userId)?.handle ?? "",
    role: p.role,
    outcome: p.ring === null ? ("caller" as const) : callerOutcome(p.ring),
    inCall: p.joinedAt !== null && p.leftAt === null,
  }));
  return {
    id: call.id,
    kind: call.kind,
    status: call.status,
    direction: me?.role === "caller" ? "outgoing" : "incoming",
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endedAt: call.endedAt,
    durationSeconds: durationSeconds(call),
    missed: isMissedFor(call, viewerId),
    outcome: viewerOutcome(call, viewerId),
    myRing: me?.ring?.state ?? null,
    myRingDeadline: me?.ring?.state === "ringing" ? me.ring.deadline : null,
    participants,
  };
}

/**
 * One word for what a call means to one viewer (the history row). A caller learns only what
 * `callerOutcome` shows of each ring, so a blocked or silenced ring ends up as "no-answer" like any
 * unanswered one.
 */
export function viewerOutcome(call: Call, viewerId: string): ViewerOutcome {
  const me: Participant | undefined = call.participants.find((p) => sameId(p.userId, viewerId));
  if (call.status === "ringing") return "ringing";
  if (call.status === "active") return "active";
  if (call.answeredAt !== null && (me?.role === "caller" || me?.ring?.state === "answered")) return "answered";
  if (me?.role === "callee") return me.ring?.state === "declined" ? "declined" : "missed";
  if (call.status === "cancelled") return "cancelled";
  // the caller of a call nobody picked up: one word from what the callees did, as the caller sees it
  const seen = call.participants.flatMap((p) => (p.ring && !sameId(p.userId, viewerId) ? [callerOutcome(p.ring)] : []));
  if (seen.length > 0 && seen.every((o) => o === "declined")) return "declined";
  if (seen.length > 0 && seen.every((o) => o === "unavailable")) return "unavailable";
  return "no-answer";
}
