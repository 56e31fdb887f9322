import { sameId } from "./ids";

/** What the recipient's side knows about the caller/sender. */
export type Relationship = {
  recipientBlockedCaller: boolean; // recipient has blocked the caller
  callerBlockedRecipient: boolean; // caller has blocked the recipient
  callerIsRecipientContact: boolean; // caller is in the recipient's contacts
  recipientCalledCaller: boolean; // recipient has placed a call to the caller before
  sharedCall: boolean; // both were participants of some call
};

export type RecipientPrefs = { acceptCalls: boolean; silenceUnknownCallers: boolean };

export type RingDecision =
  | { ok: true; mode: "ring" }
  // never rings, but the caller must see exactly what an unanswered ring looks like (same timing)
  | { ok: true; mode: "silent"; reason: "blocked" | "silenced-unknown" }
  | { ok: false; reason: "self" | "unavailable" | "you-blocked" };

export type MessageDecision = { ok: true } | { ok: false; reason: "self" | "blocked" | "not-known" };


/** True when the recipient has a reason to know the caller: a contact, someone they called, or a shared call. */
export function isKnown(rel: Relationship): boolean {
  return rel.callerIsRecipientContact || rel.recipientCalledCaller || rel.sharedCall;
}

/** Decides whether a call from caller to recipient rings, rings silently, or is refused (and why). */
export function decideRing(input: {
  callerId: string;
  recipientId: string;
  rel: Relationship;
  prefs: RecipientPrefs;
}): RingDecision {
  const { callerId, recipientId, rel, prefs } = input;
  if (sameId(callerId, recipientId)) return { ok: false, reason: "self" };
  // The checks before "blocked" depend only on what the caller may already know (their own block
  // list, the recipient's public availability), so what the caller sees is identical whether or
  // not the recipient blocked them. Checking "blocked" earlier would leak it: a caller who normally
  // gets "you-blocked" or "unavailable" would suddenly see an unanswered ring instead.
  if (rel.callerBlockedRecipient) return { ok: false, reason: "you-blocked" };
  if (!prefs.acceptCalls) return { ok: false, reason: "unavailable" };
  if (rel.recipientBlockedCaller) return { ok: true, mode: "silent", reason: "blocked" };
  if (prefs.silenceUnknownCallers && !isKnown(rel)) {
    return { ok: true, mode: "silent", reason: "silenced-unknown" };
  }
  return { ok: true, mode: "ring" };
}

/** Decides whether the sender may leave the recipient a message; only people the recipient knows may. */
export function decideLeaveMessage(input: {
  senderId: string;
  recipientId: string;
  rel: Relationship;
}): MessageDecision {
  const { senderId, recipientId, rel } = input;
  if (sameId(senderId, recipientId)) return { ok: false, reason: "self" };
  // "blocked" and "not-known" become the same public text, so their order here leaks nothing.
  if (rel.recipientBlockedCaller || rel.callerBlockedRecipient) return { ok: false, reason: "blocked" };
  if (!isKnown(rel)) return { ok: false, reason: "not-known" };
  return { ok: true };
}

/** A callee as the ring planner sees them: who they are to the caller, and their call settings. */
export type PlanCallee = {
  id: string;
  rel: Relationship;
  prefs: RecipientPrefs & { ringTimeoutSeconds: number };
};

/** How one callee's part of a new call goes; the fields `silent`, `unavailable` and `deadline` are what `createCall` takes. */
export type PlannedRing = {
  userId: string;
  /** ring: it rings; silent: it looks like a ring to the caller and never reaches the callee; unavailable: over at once */
  mode: "ring" | "silent" | "unavailable";
  /** The callee never learns of the attempt: no ring, no event, no history row, no missed badge. */
  silent: boolean;
  /** Same as `mode === "unavailable"`, in createCall's terms. */
  unavailable: boolean;
  /** When the ring times out; set for every mode so that nothing about it depends on a block. */
  deadline: Date;
};

export type RingPlan = { ok: true; callees: PlannedRing[] } | { ok: false; reason: "self" | "you-blocked" };

/**
 * Plans a whole call: refuses it (and why) or says, per callee, whether it rings, rings silently or
 * is unavailable, whether the callee may ever see it, and when it times out. The single place that
 * decides this; the API only stores and announces the result.
 */
export function planRing(input: { callerId: string; callees: PlanCallee[]; now: Date }): RingPlan {
  const { callerId, callees, now } = input;
  const decided = callees.map((c) => ({ c, d: decideRing({ callerId, recipientId: c.id, rel: c.rel, prefs: c.prefs }) }));
  // A refusal of any one callee refuses the call; "self" first, as the caller's own mistake.
  for (const reason of ["self", "you-blocked"] as const) {
    if (decided.some(({ d }) => !d.ok && d.reason === reason)) return { ok: false, reason };
  }
  return {
    ok: true,
    callees: decided.map(({ c, d }): PlannedRing => {
      const deadline = new Date(now.getTime() + c.prefs.ringTimeoutSeconds * 1000);
      if (d.ok) return { userId: c.id, mode: d.mode, silent: d.mode === "silent", unavailable: false, deadline };
      // Only "unavailable" is left. It is decided before "blocked" so the caller cannot tell the two
      // apart, but the attempt of a caller they blocked must still stay invisible to the callee.
      return { userId: c.id, mode: "unavailable", silent: c.rel.recipientBlockedCaller, unavailable: true, deadline };
    }),
  };
}
