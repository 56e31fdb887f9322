import type { CallView } from "@ringback/core/call-views";

/** A call as the signed-in person may see it (what every calls.* procedure returns and every call event carries). */
export type { CallView };
export type CallKind = CallView["kind"];
export type CallParticipantView = CallView["participants"][number];

const FINAL = new Set<CallView["status"]>(["missed", "declined", "cancelled", "ended"]);

export function isFinal(call: Pick<CallView, "status">): boolean {
  return FINAL.has(call.status);
}

/** When my own ring ends at the latest (ms), or null when it is not ringing. */
export function myRingDeadline(call: CallView): number | null {
  return call.myRingDeadline?.getTime() ?? null;
}

/**
 * True while this person's own phone should ring for the call (a group call may already be active).
 * The deadline stops the ring even when the event that ends it never arrives.
 */
export function isRingingForMe(call: CallView, now: number): boolean {
  const deadline = myRingDeadline(call);
  return call.direction === "incoming" && call.myRing === "ringing" && !isFinal(call) && deadline !== null && now < deadline;
}

/**
 * Events and mutation results can arrive in any order; a call only moves forward
 * (ringing → active → final), so an older snapshot never overwrites a newer one.
 */
export function newerCall(current: CallView | undefined, incoming: CallView): CallView {
  if (!current) return incoming;
  const rank = (c: CallView) => (isFinal(c) ? 2 : c.status === "active" ? 1 : 0);
  if (rank(incoming) < rank(current)) return current;
  return incoming;
}

/** How a call is named in the UI: "Video call" / "Audio call". */
export function kindLabel(kind: CallKind): string {
  return kind === "video" ? "Video call" : "Audio call";
}

/** The people in a call other than me, in the order the call lists them. */
export function otherPeople(call: CallView, myId: string): CallParticipantView[] {
  return call.participants.filter((p) => p.userId !== myId);
}

export function peopleNames(people: ReadonlyArray<{ displayName: string }>): string {
  const names = people.map((p) => p.displayName);
  if (names.length <= 2) return names.join(" and ");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

/** What the caller is told about one callee who did not pick up. */
export function participantOutcomeLabel(outcome: CallParticipantView["outcome"]): string | null {
  switch (outcome) {
    case "declined":
      return "Declined";
    case "no-answer":
      return "No answer";
    case "unavailable":
      return "Unavailable";
    case "ringing":
      return "Ringing…";
    case "answered":
    case "caller":
      return null;
    default: {
      const _exhaustive: never = outcome;
      return _exhaustive;
    }
  }
}

/** One word for a history row, from the viewer's side. */
export function outcomeLabel(call: CallView): string {
  switch (call.outcome) {
    case "answered":
      return call.direction === "outgoing" ? "Outgoing" : "Incoming";
    case "declined":
      return "Declined";
    case "missed":
      return "Missed";
    case "cancelled":
      return call.direction === "outgoing" ? "Cancelled" : "Missed";
    case "no-answer":
      return "No answer";
    case "unavailable":
      return "Unavailable";
    case "ringing":
      return "Ringing";
    case "active":
      return "In progress";
    default: {
      const _exhaustive: never = call.outcome;
      return _exhaustive;
    }
  }
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** "5:41 PM" (or "17:41", by locale) today, "Yesterday", a weekday within the week, else a short date — like a phone's recents list. */
export function formatCallTime(date: Date, now = new Date()): string {
  const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days <= 0) return date.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  if (days === 1) return "Yesterday";
  if (days < 7) return date.toLocaleDateString(undefined, { weekday: "long" });
  return date.toLocaleDateString(undefined, { day: "numeric", month: "short", year: date.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}
